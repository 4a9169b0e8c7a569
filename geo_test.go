package racefree

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func init() {
	randomFamilies = append(randomFamilies, randomFamily{
		name: "geo",
		commands: []string{"geoadd", "geopos", "geodist", "geohash", "geosearch", "geosearchstore", "georadius",
			"georadiusbymember", "georadius_ro", "georadiusbymember_ro"},
		templates: geoTemplates,
	})
}

// Pools for the random geo commands. Coordinates are random around Sicily,
// so that searches find some members and no two members share a distance.
var (
	geoMembers  = []string{"a", "b", "c", "d", "e", "", "\x00\xff", "Palermo"}
	geoUnits    = []string{"m", "km", "ft", "mi", "KM", "yd"}
	geoRadii    = []string{"0", "1", "10", "50", "100", "200", "1000", "-1", "x", "inf"}
	geoBadCoord = []string{"200", "-181", "90", "abc", "", "nan", "-85.06"}
)

func geoLon(r *rand.Rand) string {
	if r.IntN(25) == 0 {
		return pick(r, geoBadCoord)
	}
	return strconv.FormatFloat(12+4*r.Float64(), 'f', 6, 64)
}

func geoLat(r *rand.Rand) string {
	if r.IntN(25) == 0 {
		return pick(r, geoBadCoord)
	}
	return strconv.FormatFloat(36.5+2.5*r.Float64(), 'f', 6, 64)
}

// geoOptions returns random search options; store allows STORE/STOREDIST.
func geoOptions(r *rand.Rand, search, store bool) []string {
	var a []string
	for range r.IntN(4) {
		switch r.IntN(9) {
		case 0:
			a = append(a, "WITHDIST")
		case 1:
			a = append(a, "WITHCOORD")
		case 2:
			a = append(a, "WITHHASH")
		case 3:
			a = append(a, pick(r, []string{"ASC", "DESC", "asc"}))
		case 4, 5:
			a = append(a, "COUNT", pick(r, []string{"1", "2", "3", "10", "0", "x"}))
			if r.IntN(3) == 0 {
				a = append(a, "ANY")
			}
		case 6:
			if store {
				a = append(a, pick(r, []string{"STORE", "STOREDIST"}), pick(r, randomKeys))
			}
		case 7:
			if r.IntN(5) == 0 {
				a = append(a, pick(r, []string{"ANY", "FOO"}))
			}
		case 8:
			if search && r.IntN(3) == 0 {
				a = append(a, "STOREDIST")
			}
		}
	}
	return a
}

func geoFromBy(r *rand.Rand) []string {
	var a []string
	if r.IntN(2) == 0 {
		a = append(a, "FROMMEMBER", pick(r, geoMembers))
	} else {
		a = append(a, "FROMLONLAT", geoLon(r), geoLat(r))
	}
	if r.IntN(2) == 0 {
		a = append(a, "BYRADIUS", pick(r, geoRadii), pick(r, geoUnits))
	} else {
		a = append(a, "BYBOX", pick(r, geoRadii), pick(r, geoRadii), pick(r, geoUnits))
	}
	if r.IntN(20) == 0 {
		a = a[:len(a)-1]
	}
	if r.IntN(2) == 0 {
		// BY before FROM is fine too.
		if a[0] == "FROMMEMBER" {
			a = append(a[2:], a[:2]...)
		} else {
			a = append(a[3:], a[:3]...)
		}
	}
	return a
}

var geoTemplates = []randomTemplate{
	{make: func(r *rand.Rand) []string {
		a := []string{"GEOADD", pick(r, randomKeys)}
		if r.IntN(3) == 0 {
			a = append(a, pick(r, []string{"NX", "XX", "CH", "ch", "nx"}))
		}
		for range 1 + r.IntN(3) {
			a = append(a, geoLon(r), geoLat(r), pick(r, geoMembers))
		}
		if r.IntN(15) == 0 {
			a = a[:len(a)-1]
		}
		return a
	}},
	{make: func(r *rand.Rand) []string {
		a := []string{"GEOADD", pick(r, randomKeys)}
		for range 3 {
			a = append(a, geoLon(r), geoLat(r), pick(r, geoMembers))
		}
		return a
	}},
	{make: func(r *rand.Rand) []string {
		a := []string{"GEOPOS", pick(r, randomKeys)}
		for range r.IntN(4) {
			a = append(a, pick(r, geoMembers))
		}
		return a
	}},
	{make: func(r *rand.Rand) []string {
		a := []string{"GEODIST", pick(r, randomKeys), pick(r, geoMembers), pick(r, geoMembers)}
		if r.IntN(2) == 0 {
			a = append(a, pick(r, geoUnits))
		}
		return a
	}},
	{make: func(r *rand.Rand) []string {
		a := []string{"GEOHASH", pick(r, randomKeys)}
		for range r.IntN(4) {
			a = append(a, pick(r, geoMembers))
		}
		return a
	}},
	{make: func(r *rand.Rand) []string {
		a := append([]string{"GEOSEARCH", pick(r, randomKeys)}, geoFromBy(r)...)
		return append(a, geoOptions(r, true, false)...)
	}},
	{make: func(r *rand.Rand) []string {
		a := append([]string{"GEOSEARCHSTORE", pick(r, randomKeys), pick(r, randomKeys)}, geoFromBy(r)...)
		return append(a, geoOptions(r, true, false)...)
	}},
	{make: func(r *rand.Rand) []string {
		cmd := pick(r, []string{"GEORADIUS", "GEORADIUS_RO"})
		a := []string{cmd, pick(r, randomKeys), geoLon(r), geoLat(r), pick(r, geoRadii), pick(r, geoUnits)}
		return append(a, geoOptions(r, false, cmd == "GEORADIUS")...)
	}},
	{make: func(r *rand.Rand) []string {
		cmd := pick(r, []string{"GEORADIUSBYMEMBER", "GEORADIUSBYMEMBER_RO"})
		a := []string{cmd, pick(r, randomKeys), pick(r, geoMembers), pick(r, geoRadii), pick(r, geoUnits)}
		return append(a, geoOptions(r, false, cmd == "GEORADIUSBYMEMBER")...)
	}},
	{make: func(r *rand.Rand) []string {
		return []string{"ZADD", pick(r, randomKeys), pick(r, []string{"0", "-1", "1e300", "3479099956230698", "4503599627370496"}), pick(r, geoMembers)}
	}},
	{make: func(r *rand.Rand) []string {
		return []string{"ZREM", pick(r, randomKeys), pick(r, geoMembers)}
	}},
	{make: func(r *rand.Rand) []string {
		return []string{pick(r, []string{"SET", "SADD", "LPUSH"}), pick(r, randomKeys), "x"}
	}},
	{make: func(r *rand.Rand) []string {
		return []string{"DEL", pick(r, randomKeys)}
	}},
}

func TestGeoTyped(t *testing.T) {
	s := newTestStore(t)
	n, err := s.GeoAdd("Sicily",
		GeoLocation{Name: "Palermo", Longitude: 13.361389, Latitude: 38.115556},
		GeoLocation{Name: "Catania", Longitude: 15.087269, Latitude: 37.502669})
	require.NoError(t, err)
	assert.Equal(t, int64(2), n)
	n, err = s.GeoAddArgs("Sicily", GeoAddArgs{Ch: true, Members: []GeoLocation{{Name: "Palermo", Longitude: 13.5, Latitude: 38}}})
	require.NoError(t, err)
	assert.Equal(t, int64(1), n)
	n, err = s.GeoAddArgs("Sicily", GeoAddArgs{NX: true, Members: []GeoLocation{{Name: "Palermo", Longitude: 13.361389, Latitude: 38.115556}}})
	require.NoError(t, err)
	assert.Equal(t, int64(0), n)
	n, err = s.GeoAddArgs("Sicily", GeoAddArgs{XX: true, Ch: true, Members: []GeoLocation{{Name: "Palermo", Longitude: 13.361389, Latitude: 38.115556}}})
	require.NoError(t, err)
	assert.Equal(t, int64(1), n)

	_, err = s.GeoAdd("Sicily", GeoLocation{Name: "x", Longitude: 200, Latitude: 100})
	assert.ErrorIs(t, err, ErrGeoLonLat)
	assert.EqualError(t, err, "ERR invalid longitude,latitude pair 200.000000,100.000000")
	_, err = s.GeoAddArgs("Sicily", GeoAddArgs{NX: true, XX: true, Members: []GeoLocation{{Name: "x"}}})
	assert.ErrorIs(t, err, ErrSyntax)
	_, err = s.GeoAdd("Sicily")
	assert.ErrorIs(t, err, ErrWrongArity)

	pos, err := s.GeoPos("Sicily", "Palermo", "nope")
	require.NoError(t, err)
	require.Len(t, pos, 2)
	require.NotNil(t, pos[0])
	assert.Nil(t, pos[1])
	assert.InDelta(t, 13.361389, pos[0].Longitude, 1e-5)
	assert.InDelta(t, 38.115556, pos[0].Latitude, 1e-5)
	pos, err = s.GeoPos("nokey", "a")
	require.NoError(t, err)
	assert.Equal(t, []*GeoPos{nil}, pos)

	d, ok, err := s.GeoDist("Sicily", "Palermo", "Catania", "km")
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, "166.2742", formatGeoDist(d))
	_, ok, err = s.GeoDist("Sicily", "Palermo", "nope", "")
	require.NoError(t, err)
	assert.False(t, ok)
	_, ok, err = s.GeoDist("nokey", "a", "b", "")
	require.NoError(t, err)
	assert.False(t, ok)
	_, _, err = s.GeoDist("Sicily", "a", "b", "yd")
	assert.ErrorIs(t, err, ErrGeoUnit)

	hs, err := s.GeoHash("Sicily", "Palermo", "Catania", "nope")
	require.NoError(t, err)
	assert.Equal(t, []string{"sqc8b49rny0", "sqdtr74hyu0", ""}, hs)

	names, err := s.GeoSearch("Sicily", &GeoSearchQuery{Longitude: 15, Latitude: 37, Radius: 200, RadiusUnit: "km", Sort: "ASC"})
	require.NoError(t, err)
	assert.Equal(t, []string{"Catania", "Palermo"}, names)
	names, err = s.GeoSearch("Sicily", &GeoSearchQuery{Member: "Palermo", BoxWidth: 400, BoxHeight: 400, BoxUnit: "km", Sort: "DESC", Count: 1})
	require.NoError(t, err)
	assert.Equal(t, []string{"Catania"}, names)
	names, err = s.GeoSearch("nokey", &GeoSearchQuery{Radius: 1})
	require.NoError(t, err)
	assert.Empty(t, names)
	_, err = s.GeoSearch("Sicily", &GeoSearchQuery{Member: "nope", Radius: 1})
	assert.ErrorIs(t, err, ErrGeoMember)
	_, err = s.GeoSearch("Sicily", &GeoSearchQuery{Radius: -1})
	assert.ErrorIs(t, err, ErrGeoRadiusNegative)

	locs, err := s.GeoSearchLocation("Sicily", &GeoSearchLocationQuery{
		GeoSearchQuery: GeoSearchQuery{Longitude: 15, Latitude: 37, Radius: 200, RadiusUnit: "km", Sort: "ASC"},
		WithCoord:      true, WithDist: true, WithHash: true,
	})
	require.NoError(t, err)
	require.Len(t, locs, 2)
	assert.Equal(t, "Catania", locs[0].Name)
	assert.Equal(t, "56.4413", formatGeoDist(locs[0].Dist))
	assert.Equal(t, int64(3479447370796909), locs[0].GeoHash)
	assert.InDelta(t, 15.087269, locs[0].Longitude, 1e-5)

	n, err = s.GeoSearchStore("Sicily", "dst", &GeoSearchStoreQuery{
		GeoSearchQuery: GeoSearchQuery{Longitude: 15, Latitude: 37, Radius: 200, RadiusUnit: "km"}, StoreDist: true})
	require.NoError(t, err)
	assert.Equal(t, int64(2), n)
	score, ok, err := s.ZScore("dst", "Catania")
	require.NoError(t, err)
	assert.True(t, ok)
	assert.InDelta(t, 56.4413, score, 1e-3)

	locs, err = s.GeoRadius("Sicily", 15, 37, &GeoRadiusQuery{Radius: 200, Unit: "km", WithDist: true, Sort: "ASC"})
	require.NoError(t, err)
	require.Len(t, locs, 2)
	assert.Equal(t, "Palermo", locs[1].Name)
	assert.Equal(t, "190.4424", formatGeoDist(locs[1].Dist))
	n, err = s.GeoRadiusStore("Sicily", 15, 37, &GeoRadiusQuery{Radius: 200, Unit: "km", Store: "dst2"})
	require.NoError(t, err)
	assert.Equal(t, int64(2), n)
	locs, err = s.GeoRadiusByMember("Sicily", "Palermo", &GeoRadiusQuery{Radius: 100, Unit: "km"})
	require.NoError(t, err)
	assert.Equal(t, []GeoLocation{{Name: "Palermo"}}, locs)
	n, err = s.GeoRadiusByMemberStore("Sicily", "Palermo", &GeoRadiusQuery{Radius: 1, Unit: "m", StoreDist: "dst3"})
	require.NoError(t, err)
	assert.Equal(t, int64(1), n)
	_, err = s.GeoRadiusStore("Sicily", 15, 37, &GeoRadiusQuery{Radius: 200, Store: "x", WithDist: true})
	assert.ErrorIs(t, err, ErrGeoRadiusStoreWith)

	_, err = s.Do("SET", "str", "x")
	require.NoError(t, err)
	_, err = s.GeoAdd("str", GeoLocation{Name: "a"})
	assert.ErrorIs(t, err, ErrWrongType)
	_, err = s.GeoPos("str", "a")
	assert.ErrorIs(t, err, ErrWrongType)
	_, _, err = s.GeoDist("str", "a", "b", "")
	assert.ErrorIs(t, err, ErrWrongType)
	_, err = s.GeoHash("str", "a")
	assert.ErrorIs(t, err, ErrWrongType)
	_, err = s.GeoSearch("str", &GeoSearchQuery{Radius: 1})
	assert.ErrorIs(t, err, ErrWrongType)
}

func TestGeoTypedAgreesWithDo(t *testing.T) {
	s := newTestStore(t)
	_, err := s.Do("GEOADD", "g", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania", "13.583333", "37.316667", "Agrigento")
	require.NoError(t, err)

	v, err := s.Do("GEODIST", "g", "Palermo", "Catania", "mi")
	require.NoError(t, err)
	d, ok, err := s.GeoDist("g", "Palermo", "Catania", "mi")
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, v, formatGeoDist(d))

	v, err = s.Do("GEOHASH", "g", "Agrigento")
	require.NoError(t, err)
	hs, err := s.GeoHash("g", "Agrigento")
	require.NoError(t, err)
	assert.Equal(t, []any{hs[0]}, v)

	v, err = s.Do("GEOSEARCH", "g", "FROMMEMBER", "Agrigento", "BYRADIUS", "300", "km", "DESC")
	require.NoError(t, err)
	names, err := s.GeoSearch("g", &GeoSearchQuery{Member: "Agrigento", Radius: 300, RadiusUnit: "km", Sort: "DESC"})
	require.NoError(t, err)
	want := make([]any, len(names))
	for i, n := range names {
		want[i] = n
	}
	assert.Equal(t, want, v)

	v, err = s.Do("GEOPOS", "g", "Palermo")
	require.NoError(t, err)
	pos, err := s.GeoPos("g", "Palermo")
	require.NoError(t, err)
	assert.Equal(t, []any{[]any{formatGeoCoord(pos[0].Longitude), formatGeoCoord(pos[0].Latitude)}}, v)

	_, err = s.Do("GEOSEARCH", "g", "FROMLONLAT", "15", "37", "ASC", "WITHDIST")
	assert.ErrorIs(t, err, ErrGeoBy)
	assert.EqualError(t, err, "ERR exactly one of BYRADIUS and BYBOX can be specified for GEOSEARCH")
	_, err = s.Do("GEOSEARCH", "g", "BYRADIUS", "1", "km", "ASC", "WITHDIST")
	assert.ErrorIs(t, err, ErrGeoFrom)
}

func TestGeoMath(t *testing.T) {
	// The scores GEOADD stores, as redis-server 7.0.15 computes them.
	assert.Equal(t, 3479099956230698.0, geoScore(13.361389, 38.115556))
	assert.Equal(t, 3479447370796909.0, geoScore(15.087269, 37.502669))
	// Scores outside 52 bits decode as C's uint64 cast does.
	lon, lat := geoDecodeScore(-1)
	assert.Equal(t, "180", formatGeoCoord(lon))
	assert.Equal(t, "85.0511287799999991", formatGeoCoord(lat))
	lon, _ = geoDecodeScore(math.Inf(1))
	assert.Equal(t, "-179.99999731779098511", formatGeoCoord(lon))
	assert.Equal(t, "0.0000", formatGeoDist(0))
	assert.Equal(t, "0.0001", formatGeoDist(0.00005000001))
	assert.Equal(t, "12.3457", formatGeoDist(12.34567))
	// Correctly rounded trig where Go's math package is off by one ulp.
	for _, x := range []float64{0.1, 0.5, 1, 1.5, 2.5, 3, -0.7, 1e-8} {
		assert.InDelta(t, math.Sin(x), geoSin(x), 1e-15)
		assert.InDelta(t, math.Cos(x), geoCos(x), 1e-15)
	}
	for _, y := range []float64{0, 0.1, 0.5, 0.99, 1} {
		assert.InDelta(t, math.Asin(y), geoAsin(y), 1e-15)
	}
}
