package racefree

import (
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/racefree/racefree/types"
)

// The geo commands: GEOADD, GEOPOS, GEODIST, GEOHASH, GEOSEARCH,
// GEOSEARCHSTORE, GEORADIUS, GEORADIUSBYMEMBER and their _RO forms. A geo
// set is a sorted set whose scores are Redis's 52-bit interleaved geohashes
// (26 bits of latitude, 26 of longitude); searches scan the nine geohash
// boxes around the centre, as Redis does, so results come in the same
// order.

// geoCommands are the geo commands' table entries.
var geoCommands = []*command{
	{name: "geoadd", arity: -5, flags: flagWrite | flagDenyoom, firstKey: 1, lastKey: 1, step: 1, run: cmdGeoAdd},
	{name: "geopos", arity: -2, flags: flagReadonly, firstKey: 1, lastKey: 1, step: 1, run: cmdGeoPos},
	{name: "geodist", arity: -4, flags: flagReadonly, firstKey: 1, lastKey: 1, step: 1, run: cmdGeoDist},
	{name: "geohash", arity: -2, flags: flagReadonly, firstKey: 1, lastKey: 1, step: 1, run: cmdGeoHash},
	{name: "geosearch", arity: -7, flags: flagReadonly, firstKey: 1, lastKey: 1, step: 1, run: cmdGeoSearch},
	{name: "geosearchstore", arity: -8, flags: flagWrite | flagDenyoom, firstKey: 1, lastKey: 2, step: 1, run: cmdGeoSearchStore},
	{name: "georadius", arity: -6, flags: flagWrite | flagDenyoom | flagMovablekeys, firstKey: 1, lastKey: 1, step: 1, run: cmdGeoRadius},
	{name: "georadiusbymember", arity: -5, flags: flagWrite | flagDenyoom | flagMovablekeys, firstKey: 1, lastKey: 1, step: 1, run: cmdGeoRadiusByMember},
	{name: "georadius_ro", arity: -6, flags: flagReadonly, firstKey: 1, lastKey: 1, step: 1, run: cmdGeoRadiusRO},
	{name: "georadiusbymember_ro", arity: -5, flags: flagReadonly, firstKey: 1, lastKey: 1, step: 1, run: cmdGeoRadiusByMemberRO},
}

// ---- geohash ----

const (
	geoStep    = 26
	geoLatMin  = -85.05112878
	geoLatMax  = 85.05112878
	geoLonMin  = -180.0
	geoLonMax  = 180.0
	geoEarthR  = 6372797.560856
	geoMercMax = 20037726.37
)

// geoPi is a variable so that geoDegRad is computed in float64, as C's
// M_PI / 180.0 is, rather than as an exact constant.
var (
	geoPi     = math.Pi
	geoDegRad = geoPi / 180.0
)

func geoRad(a float64) float64 { return a * geoDegRad }
func geoDeg(a float64) float64 { return a / geoDegRad }

// geoBits is a geohash of step bits of each coordinate; step 0 with bits 0
// is "no box".
type geoBits struct {
	bits uint64
	step uint
}

type geoRange struct{ min, max float64 }

type geoArea struct{ lon, lat geoRange }

var (
	geoLonRange = geoRange{geoLonMin, geoLonMax}
	geoLatRange = geoRange{geoLatMin, geoLatMax}
)

// geoSpread moves the low 32 bits of v to the even bit positions.
func geoSpread(v uint64) uint64 {
	v = (v | v<<16) & 0x0000FFFF0000FFFF
	v = (v | v<<8) & 0x00FF00FF00FF00FF
	v = (v | v<<4) & 0x0F0F0F0F0F0F0F0F
	v = (v | v<<2) & 0x3333333333333333
	v = (v | v<<1) & 0x5555555555555555
	return v
}

// geoSqueeze is geoSpread's inverse: the even bits of v, packed.
func geoSqueeze(v uint64) uint64 {
	v &= 0x5555555555555555
	v = (v | v>>1) & 0x3333333333333333
	v = (v | v>>2) & 0x0F0F0F0F0F0F0F0F
	v = (v | v>>4) & 0x00FF00FF00FF00FF
	v = (v | v>>8) & 0x0000FFFF0000FFFF
	v = (v | v>>16) & 0x00000000FFFFFFFF
	return v
}

// geoEncode encodes lon, lat in the given ranges with step bits each:
// latitude in the even bits, longitude in the odd ones.
func geoEncode(lonR, latR geoRange, lon, lat float64, step uint) (geoBits, bool) {
	if lon > geoLonMax || lon < geoLonMin || lat > geoLatMax || lat < geoLatMin {
		return geoBits{}, false
	}
	if lat < latR.min || lat > latR.max || lon < lonR.min || lon > lonR.max {
		return geoBits{}, false
	}
	latOff := (lat - latR.min) / (latR.max - latR.min)
	lonOff := (lon - lonR.min) / (lonR.max - lonR.min)
	latOff *= float64(uint64(1) << step)
	lonOff *= float64(uint64(1) << step)
	return geoBits{bits: geoSpread(uint64(uint32(latOff))) | geoSpread(uint64(uint32(lonOff)))<<1, step: step}, true
}

// geoDecode returns the box of h.
func geoDecode(lonR, latR geoRange, h geoBits) geoArea {
	ilat := uint32(geoSqueeze(h.bits))
	ilon := uint32(geoSqueeze(h.bits >> 1))
	div := float64(uint64(1) << h.step)
	latScale := latR.max - latR.min
	lonScale := lonR.max - lonR.min
	return geoArea{
		lat: geoRange{latR.min + (float64(ilat)*1.0/div)*latScale, latR.min + (float64(uint64(ilat)+1)*1.0/div)*latScale},
		lon: geoRange{lonR.min + (float64(ilon)*1.0/div)*lonScale, lonR.min + (float64(uint64(ilon)+1)*1.0/div)*lonScale},
	}
}

// geoScoreBits converts a score to an integer as C's (uint64_t) cast does on
// x86-64, out-of-range values included.
func geoScoreBits(f float64) uint64 {
	const two63 = 9223372036854775808.0
	if f < two63 {
		if f >= -two63 {
			return uint64(int64(f))
		}
		return 1 << 63 // -inf and beyond: the "integer indefinite" value
	}
	f -= two63
	if f < two63 { // NaN compares false and lands below
		return uint64(int64(f)) ^ 1<<63
	}
	return 0
}

// geoDecodeScore returns the longitude and latitude a score stands for.
func geoDecodeScore(score float64) (lon, lat float64) {
	a := geoDecode(geoLonRange, geoLatRange, geoBits{bits: geoScoreBits(score), step: geoStep})
	lon = (a.lon.min + a.lon.max) / 2
	lon = min(max(lon, geoLonMin), geoLonMax)
	lat = (a.lat.min + a.lat.max) / 2
	lat = min(max(lat, geoLatMin), geoLatMax)
	return lon, lat
}

// geoScore returns the score GEOADD stores for lon, lat (already checked).
func geoScore(lon, lat float64) float64 {
	h, _ := geoEncode(geoLonRange, geoLatRange, lon, lat, geoStep)
	return float64(h.bits)
}

func (h *geoBits) moveX(d int) {
	x := h.bits & 0xaaaaaaaaaaaaaaaa
	y := h.bits & 0x5555555555555555
	zz := uint64(0x5555555555555555) >> (64 - h.step*2)
	if d > 0 {
		x += zz + 1
	} else {
		x |= zz
		x -= zz + 1
	}
	x &= 0xaaaaaaaaaaaaaaaa >> (64 - h.step*2)
	h.bits = x | y
}

func (h *geoBits) moveY(d int) {
	x := h.bits & 0xaaaaaaaaaaaaaaaa
	y := h.bits & 0x5555555555555555
	zz := uint64(0xaaaaaaaaaaaaaaaa) >> (64 - h.step*2)
	if d > 0 {
		y += zz + 1
	} else {
		y |= zz
		y -= zz + 1
	}
	y &= 0x5555555555555555 >> (64 - h.step*2)
	h.bits = x | y
}

// neighbour returns h moved by dx, dy boxes.
func (h geoBits) neighbour(dx, dy int) geoBits {
	if dx != 0 {
		h.moveX(dx)
	}
	if dy != 0 {
		h.moveY(dy)
	}
	return h
}

// geoDistance is the haversine distance in meters, as Redis computes it.
func geoDistance(lon1, lat1, lon2, lat2 float64) float64 {
	lon1r, lon2r := geoRad(lon1), geoRad(lon2)
	v := geoSin((lon2r - lon1r) / 2)
	if v == 0 {
		return geoLatDistance(lat1, lat2)
	}
	lat1r, lat2r := geoRad(lat1), geoRad(lat2)
	u := geoSin((lat2r - lat1r) / 2)
	a := float64(u*u) + float64(float64(geoCos(lat1r)*geoCos(lat2r))*v)*v
	return 2.0 * geoEarthR * geoAsin(math.Sqrt(a))
}

func geoLatDistance(lat1, lat2 float64) float64 {
	return geoEarthR * math.Abs(geoRad(lat2)-geoRad(lat1))
}

// ---- searches ----

// geoShape is a search area: a circle of radius, or a box of width by
// height, in units of conv meters, around lon, lat.
type geoShape struct {
	lon, lat      float64
	box           bool
	radius        float64
	width, height float64
	conv          float64
}

// contains reports whether the point is in the shape, and its distance in
// meters from the centre.
func (s *geoShape) contains(lon, lat float64) (float64, bool) {
	if !s.box {
		d := geoDistance(s.lon, s.lat, lon, lat)
		return d, !(d > s.radius*s.conv)
	}
	w, h := s.width*s.conv, s.height*s.conv
	if geoLatDistance(s.lat, lat) > h/2 {
		return 0, false
	}
	if geoDistance(lon, lat, s.lon, lat) > w/2 {
		return 0, false
	}
	return geoDistance(s.lon, s.lat, lon, lat), true
}

// boxes returns the nine geohash boxes Redis scans for s, in its order
// (centre, N, S, E, W, NE, NW, SE, SW); unused ones are zero.
func (s *geoShape) boxes() [9]geoBits {
	var height, width float64
	if s.box {
		height, width = s.conv*s.height/2, s.conv*s.width/2
	} else {
		height, width = s.conv*s.radius, s.conv*s.radius
	}
	latDelta := geoDeg(height / geoEarthR)
	lonDeltaTop := geoDeg(width / geoEarthR / geoCos(geoRad(s.lat+latDelta)))
	lonDeltaBottom := geoDeg(width / geoEarthR / geoCos(geoRad(s.lat-latDelta)))
	var minLon, maxLon float64
	if s.lat < 0 {
		minLon, maxLon = s.lon-lonDeltaBottom, s.lon+lonDeltaBottom
	} else {
		minLon, maxLon = s.lon-lonDeltaTop, s.lon+lonDeltaTop
	}
	minLat, maxLat := s.lat-latDelta, s.lat+latDelta

	radius := s.radius
	if s.box {
		radius = math.Sqrt(float64(s.width/2*(s.width/2)) + float64(s.height/2*(s.height/2)))
	}
	radius *= s.conv
	steps := geoEstimateSteps(radius, s.lat)

	var hash geoBits
	var nb [9]geoBits
	var area geoArea
	compute := func() {
		hash, _ = geoEncode(geoLonRange, geoLatRange, s.lon, s.lat, uint(steps))
		nb = [9]geoBits{hash, hash.neighbour(0, 1), hash.neighbour(0, -1), hash.neighbour(1, 0), hash.neighbour(-1, 0),
			hash.neighbour(1, 1), hash.neighbour(-1, 1), hash.neighbour(1, -1), hash.neighbour(-1, -1)}
		area = geoDecode(geoLonRange, geoLatRange, hash)
	}
	compute()
	north := geoDecode(geoLonRange, geoLatRange, nb[1])
	south := geoDecode(geoLonRange, geoLatRange, nb[2])
	east := geoDecode(geoLonRange, geoLatRange, nb[3])
	west := geoDecode(geoLonRange, geoLatRange, nb[4])
	decrease := north.lat.max < maxLat || south.lat.min > minLat || east.lon.max < maxLon || west.lon.min > minLon
	if steps > 1 && decrease {
		steps--
		compute()
	}
	if steps >= 2 {
		zero := func(is ...int) {
			for _, i := range is {
				nb[i] = geoBits{}
			}
		}
		if area.lat.min < minLat {
			zero(2, 8, 7)
		}
		if area.lat.max > maxLat {
			zero(1, 5, 6)
		}
		if area.lon.min < minLon {
			zero(4, 8, 6)
		}
		if area.lon.max > maxLon {
			zero(3, 7, 5)
		}
	}
	return nb
}

// geoEstimateSteps is the geohash precision Redis picks for a radius.
func geoEstimateSteps(meters, lat float64) int {
	if meters == 0 {
		return 26
	}
	step := 1
	for meters < geoMercMax {
		meters *= 2
		step++
	}
	step -= 2
	if lat > 66 || lat < -66 {
		step--
		if lat > 80 || lat < -80 {
			step--
		}
	}
	return min(max(step, 1), 26)
}

// geoPoint is a search result.
type geoPoint struct {
	member   string
	lon, lat float64
	dist     float64 // meters until the reply converts it
	score    float64
}

// geoCollect returns the members of z in s, in the order Redis visits
// them; limit, when not 0, stops the scan once that many are found (ANY).
func geoCollect(z *types.ZSet, s *geoShape, limit int) []geoPoint {
	var out []geoPoint
	nb := s.boxes()
	last := 0
	for i, b := range nb {
		if b.bits == 0 && b.step == 0 {
			continue
		}
		if last != 0 && b == nb[last] {
			continue
		}
		if len(out) > 0 && limit > 0 && len(out) >= limit {
			break
		}
		shift := 52 - b.step*2
		lo := float64(b.bits << shift)
		hi := float64((b.bits + 1) << shift)
		z.RangeByScore(types.ScoreRange{Min: lo, Max: hi, MaxEx: true}, 0, -1, false, func(m string, score float64) bool {
			lon, lat := geoDecodeScore(score)
			if d, ok := s.contains(lon, lat); ok {
				out = append(out, geoPoint{member: m, lon: lon, lat: lat, dist: d, score: score})
			}
			return !(len(out) > 0 && limit > 0 && len(out) >= limit)
		})
		last = i
	}
	return out
}

// Sort orders of a search.
const (
	geoSortNone = iota
	geoSortAsc
	geoSortDesc
)

// geoSearchSpec is a parsed search.
type geoSearchSpec struct {
	member     string // FROMMEMBER, when fromMember
	fromMember bool
	shape      geoShape
	sort       int
	count      int64
	any        bool
}

// geosearch runs a search on the set z (not nil): the matching points,
// sorted and cut to COUNT as Redis does, distances still in meters.
func (d *db) geosearch(z *types.ZSet, sp *geoSearchSpec) ([]geoPoint, error) {
	if sp.fromMember {
		score, ok := z.Score(sp.member)
		if !ok {
			return nil, ErrGeoMember
		}
		sp.shape.lon, sp.shape.lat = geoDecodeScore(score)
	}
	limit := 0
	if sp.any {
		limit = int(min(sp.count, math.MaxInt32))
	}
	pts := geoCollect(z, &sp.shape, limit)
	sort := sp.sort
	if sp.count != 0 && sort == geoSortNone && !sp.any {
		sort = geoSortAsc
	}
	if sort != geoSortNone {
		cmp := func(a, b *geoPoint) int { return geoCmpDist(a.dist, b.dist) }
		if sort == geoSortDesc {
			cmp = func(a, b *geoPoint) int { return geoCmpDist(b.dist, a.dist) }
		}
		if sp.count == 0 || int64(len(pts)) <= sp.count {
			// glibc's qsort is a merge sort: stable.
			slices.SortStableFunc(pts, func(a, b geoPoint) int { return cmp(&a, &b) })
		} else {
			pqsort(pts, 0, int(sp.count)-1, cmp)
		}
	}
	if sp.count > 0 && int64(len(pts)) > sp.count {
		pts = pts[:sp.count]
	}
	return pts, nil
}

func geoCmpDist(a, b float64) int {
	switch {
	case a > b:
		return 1
	case a == b:
		return 0
	}
	return -1
}

// geostore stores pts at dst (their scores, or their distances in the
// unit conv with storeDist) and returns how many; none deletes dst.
func (d *db) geostore(dst string, pts []geoPoint, storeDist bool, conv float64, event string) int64 {
	if len(pts) == 0 {
		d.delNotify(dst)
		return 0
	}
	z := types.NewZSet(&d.s.limits)
	for _, p := range pts {
		if storeDist {
			z.Add(p.member, p.dist/conv)
		} else {
			z.Add(p.member, p.score)
		}
	}
	d.zsetStore(dst, z)
	d.notify(notifyZSet, event, dst)
	return int64(len(pts))
}

// ---- argument parsing ----

// geoLonLat parses a longitude and a latitude as Redis checks them.
func geoLonLat(lonS, latS string) (float64, float64, error) {
	lon, ok := parseFloat(lonS)
	if !ok {
		return 0, 0, ErrNotFloat
	}
	lat, ok := parseFloat(latS)
	if !ok {
		return 0, 0, ErrNotFloat
	}
	if err := geoCheck(lon, lat); err != nil {
		return 0, 0, err
	}
	return lon, lat, nil
}

func geoCheck(lon, lat float64) error {
	if lon < geoLonMin || lon > geoLonMax || lat < geoLatMin || lat > geoLatMax || math.IsNaN(lon) || math.IsNaN(lat) {
		return errorf(ErrGeoLonLat, "ERR invalid longitude,latitude pair %s,%s", geoFixed6(lon), geoFixed6(lat))
	}
	return nil
}

// geoFixed6 formats f as C's "%f" does.
func geoFixed6(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case math.IsNaN(f):
		return "nan"
	}
	return strconv.FormatFloat(f, 'f', 6, 64)
}

// geoUnit returns the meters in one unit.
func geoUnit(u string) (float64, error) {
	switch strings.ToLower(u) {
	case "m":
		return 1, nil
	case "km":
		return 1000, nil
	case "ft":
		return 0.3048, nil
	case "mi":
		return 1609.34, nil
	}
	return 0, ErrGeoUnit
}

func geoRadiusArg(radius, unit string) (float64, float64, error) {
	r, ok := parseFloat(radius)
	if !ok {
		return 0, 0, ErrGeoRadiusNotNumber
	}
	if r < 0 {
		return 0, 0, ErrGeoRadiusNegative
	}
	conv, err := geoUnit(unit)
	return r, conv, err
}

// formatGeoDist formats a distance with four decimals, rounding half to
// even as Redis's llrint does.
func formatGeoDist(d float64) string {
	if d == 0 {
		return "0.0000"
	}
	v := int64(math.RoundToEven(d * 10000))
	neg := v < 0
	u := uint64(v)
	if neg {
		u = uint64(-v)
	}
	ip := strconv.FormatUint(u/10000, 10)
	fp := strconv.FormatUint(u%10000+10000, 10)[1:]
	if neg {
		return "-" + ip + "." + fp
	}
	return ip + "." + fp
}

// formatGeoCoord formats a coordinate as Redis's human long double: 17
// decimals, trailing zeros dropped.
func formatGeoCoord(f float64) string {
	s := strconv.FormatFloat(f, 'f', 17, 64)
	s = strings.TrimRight(s, "0")
	s = strings.TrimSuffix(s, ".")
	if s == "-0" {
		s = "0"
	}
	return s
}

func (c *call) geoCoord(f float64) {
	if c.w.Proto() > 2 {
		if dw, ok := c.w.(interface{ DoubleText(string) }); ok {
			dw.DoubleText(formatGeoCoord(f)) // a human long double, as Redis sends
			return
		}
		c.w.Double(f)
		return
	}
	c.w.Bulk(formatGeoCoord(f))
}

// ---- GEOADD, GEOPOS, GEODIST, GEOHASH ----

// geoadd adds locations as GEOADD does (via ZADD with nx, xx, ch).
func (d *db) geoadd(key string, f zaddFlags, locs []GeoLocation) (int64, error) {
	elems := make([]Z, len(locs))
	for i, l := range locs {
		elems[i] = Z{Score: geoScore(l.Longitude, l.Latitude), Member: l.Name}
	}
	n, _, _, err := d.zadd(key, f, elems)
	return n, err
}

func cmdGeoAdd(c *call) {
	var f zaddFlags
	i := 2
	for ; i < len(c.args); i++ {
		switch strings.ToLower(c.args[i]) {
		case "nx":
			f.nx = true
		case "xx":
			f.xx = true
		case "ch":
			f.ch = true
		default:
			goto done
		}
	}
done:
	rest := c.args[i:]
	if len(rest)%3 != 0 || f.nx && f.xx {
		c.fail(ErrSyntax)
		return
	}
	locs := make([]GeoLocation, 0, len(rest)/3)
	for j := 0; j < len(rest); j += 3 {
		lon, lat, err := geoLonLat(rest[j], rest[j+1])
		if err != nil {
			c.fail(err)
			return
		}
		locs = append(locs, GeoLocation{Name: rest[j+2], Longitude: lon, Latitude: lat})
	}
	if len(locs) == 0 {
		// ZADD key [opts] with no pairs.
		c.fail(ErrSyntax)
		return
	}
	c.replyInt(c.db.geoadd(c.args[1], f, locs))
}

// geopos returns the positions of members; nil where a member is missing.
func (d *db) geopos(key string, members []string) ([]*GeoPos, error) {
	z, err := d.zsetRead(key)
	if err != nil {
		return nil, err
	}
	out := make([]*GeoPos, len(members))
	if z == nil {
		return out, nil
	}
	for i, m := range members {
		if s, ok := z.Score(m); ok {
			lon, lat := geoDecodeScore(s)
			out[i] = &GeoPos{Longitude: lon, Latitude: lat}
		}
	}
	return out, nil
}

func cmdGeoPos(c *call) {
	pos, err := c.db.geopos(c.args[1], c.args[2:])
	if err != nil {
		c.fail(err)
		return
	}
	c.w.Array(len(pos))
	for _, p := range pos {
		if p == nil {
			c.w.NullArray()
			continue
		}
		c.w.Array(2)
		c.geoCoord(p.Longitude)
		c.geoCoord(p.Latitude)
	}
}

// geodist returns the distance between two members in units of conv
// meters; ok is false when the key or a member is missing.
func (d *db) geodist(key, m1, m2 string, conv float64) (float64, bool, error) {
	z, err := d.zsetRead(key)
	if z == nil {
		return 0, false, err
	}
	s1, ok1 := z.Score(m1)
	s2, ok2 := z.Score(m2)
	if !ok1 || !ok2 {
		return 0, false, nil
	}
	lon1, lat1 := geoDecodeScore(s1)
	lon2, lat2 := geoDecodeScore(s2)
	return geoDistance(lon1, lat1, lon2, lat2) / conv, true, nil
}

func cmdGeoDist(c *call) {
	conv := 1.0
	switch {
	case len(c.args) == 5:
		var err error
		if conv, err = geoUnit(c.args[4]); err != nil {
			c.fail(err)
			return
		}
	case len(c.args) > 5:
		c.fail(ErrSyntax)
		return
	}
	d, ok, err := c.db.geodist(c.args[1], c.args[2], c.args[3], conv)
	switch {
	case err != nil:
		c.fail(err)
	case !ok:
		c.w.NullBulk()
	default:
		c.w.Bulk(formatGeoDist(d))
	}
}

const geoAlphabet = "0123456789bcdefghjkmnpqrstuvwxyz"

// geohashString is GEOHASH's 11-character form of a score.
func geohashString(score float64) string {
	lon, lat := geoDecodeScore(score)
	h, _ := geoEncode(geoRange{-180, 180}, geoRange{-90, 90}, lon, lat, geoStep)
	var buf [11]byte
	for i := 0; i < 10; i++ {
		buf[i] = geoAlphabet[(h.bits>>(52-uint(i+1)*5))&0x1f]
	}
	buf[10] = '0'
	return string(buf[:])
}

// geohash returns members' geohash strings; ok[i] is false where a member
// is missing.
func (d *db) geohash(key string, members []string) ([]string, []bool, error) {
	z, err := d.zsetRead(key)
	if err != nil {
		return nil, nil, err
	}
	out, ok := make([]string, len(members)), make([]bool, len(members))
	if z == nil {
		return out, ok, nil
	}
	for i, m := range members {
		if s, found := z.Score(m); found {
			out[i], ok[i] = geohashString(s), true
		}
	}
	return out, ok, nil
}

func cmdGeoHash(c *call) {
	hs, ok, err := c.db.geohash(c.args[1], c.args[2:])
	if err != nil {
		c.fail(err)
		return
	}
	c.w.Array(len(hs))
	for i, h := range hs {
		if ok[i] {
			c.w.Bulk(h)
		} else {
			c.w.NullBulk()
		}
	}
}

// ---- GEOSEARCH, GEOSEARCHSTORE, GEORADIUS* ----

// Kinds of search command.
const (
	geoCmdCoords  = 1 << iota // GEORADIUS: centre from arguments
	geoCmdMember              // GEORADIUSBYMEMBER
	geoCmdNoStore             // the _RO forms
	geoCmdSearch              // GEOSEARCH
	geoCmdSearchStore
)

// geoRequest is a parsed search command.
type geoRequest struct {
	spec                          geoSearchSpec
	z                             *types.ZSet
	store                         string
	hasStore, storeDist           bool
	withDist, withHash, withCoord bool
	storeEvent                    string // the keyspace event of the store (notify.go)
}

// parseGeoSearch parses a search command as Redis's georadiusGeneric does,
// errors in the same order. It looks up the source key, which is why it
// runs on the db.
func (d *db) parseGeoSearch(args []string, flags int) (*geoRequest, error) {
	src := 1
	if flags&geoCmdSearchStore != 0 {
		src = 2
	}
	z, err := d.zsetRead(args[src])
	if err != nil {
		return nil, err
	}
	rq := &geoRequest{z: z, storeEvent: "georadiusstore"}
	if flags&geoCmdSearch != 0 {
		rq.storeEvent = "geosearchstore"
	}
	sp := &rq.spec
	base := 0
	switch {
	case flags&geoCmdCoords != 0:
		base = 6
		if sp.shape.lon, sp.shape.lat, err = geoLonLat(args[2], args[3]); err != nil {
			return nil, err
		}
		if sp.shape.radius, sp.shape.conv, err = geoRadiusArg(args[4], args[5]); err != nil {
			return nil, err
		}
	case flags&geoCmdMember != 0:
		base = 5
		if z != nil {
			score, ok := z.Score(args[2])
			if !ok {
				return nil, ErrGeoMember
			}
			sp.shape.lon, sp.shape.lat = geoDecodeScore(score)
			if sp.shape.radius, sp.shape.conv, err = geoRadiusArg(args[3], args[4]); err != nil {
				return nil, err
			}
		}
	default:
		base = 2
		if flags&geoCmdSearchStore != 0 {
			base = 3
			rq.store, rq.hasStore = args[1], true
		}
	}
	search := flags&geoCmdSearch != 0
	storeOK := flags&(geoCmdNoStore|geoCmdSearch) == 0
	var fromLoc, byRadius, byBox bool
	rest := args[base:]
	for i := 0; i < len(rest); i++ {
		left := len(rest) - i - 1
		switch a := strings.ToLower(rest[i]); {
		case a == "withdist":
			rq.withDist = true
		case a == "withhash":
			rq.withHash = true
		case a == "withcoord":
			rq.withCoord = true
		case a == "any":
			sp.any = true
		case a == "asc":
			sp.sort = geoSortAsc
		case a == "desc":
			sp.sort = geoSortDesc
		case a == "count" && left >= 1:
			n, ok := parseInt(rest[i+1])
			if !ok {
				return nil, ErrNotInteger
			}
			if n <= 0 {
				return nil, ErrGeoCount
			}
			sp.count = n
			i++
		case (a == "store" || a == "storedist") && left >= 1 && storeOK:
			rq.store, rq.hasStore, rq.storeDist = rest[i+1], true, a == "storedist"
			i++
		case a == "storedist" && search && flags&geoCmdSearchStore != 0:
			rq.storeDist = true
		case a == "frommember" && left >= 1 && search && !fromLoc:
			if z != nil {
				score, ok := z.Score(rest[i+1])
				if !ok {
					return nil, ErrGeoMember
				}
				sp.shape.lon, sp.shape.lat = geoDecodeScore(score)
			}
			sp.fromMember = true
			i++
		case a == "fromlonlat" && left >= 2 && search && !sp.fromMember:
			if sp.shape.lon, sp.shape.lat, err = geoLonLat(rest[i+1], rest[i+2]); err != nil {
				return nil, err
			}
			fromLoc = true
			i += 2
		case a == "byradius" && left >= 2 && search && !byBox:
			if sp.shape.radius, sp.shape.conv, err = geoRadiusArg(rest[i+1], rest[i+2]); err != nil {
				return nil, err
			}
			sp.shape.box = false
			byRadius = true
			i += 2
		case a == "bybox" && left >= 3 && search && !byRadius:
			w, ok := parseFloat(rest[i+1])
			if !ok {
				return nil, ErrGeoWidthNotNumber
			}
			h, ok := parseFloat(rest[i+2])
			if !ok {
				return nil, ErrGeoHeightNotNumber
			}
			if h < 0 || w < 0 {
				return nil, ErrGeoBoxNegative
			}
			if sp.shape.conv, err = geoUnit(rest[i+3]); err != nil {
				return nil, err
			}
			sp.shape.width, sp.shape.height, sp.shape.box = w, h, true
			byBox = true
			i += 3
		default:
			return nil, ErrSyntax
		}
	}
	if rq.hasStore && (rq.withDist || rq.withHash || rq.withCoord) {
		if flags&geoCmdSearchStore != 0 {
			return nil, ErrGeoSearchStoreWith
		}
		return nil, ErrGeoRadiusStoreWith
	}
	if search && !(sp.fromMember || fromLoc) {
		return nil, errorf(ErrGeoFrom, "%s for %s", ErrGeoFrom.msg, args[0])
	}
	if search && !(byRadius || byBox) {
		return nil, errorf(ErrGeoBy, "%s for %s", ErrGeoBy.msg, args[0])
	}
	if sp.any && sp.count == 0 {
		return nil, ErrGeoAnyNeedsCount
	}
	// The member was already found: don't look it up again.
	sp.fromMember = false
	return rq, nil
}

// run executes a parsed search: the points, or, with a store key, the
// count stored.
func (d *db) runGeoSearch(rq *geoRequest) ([]geoPoint, int64, error) {
	if rq.z == nil {
		if rq.hasStore {
			d.delNotify(rq.store)
		}
		return nil, 0, nil
	}
	pts, err := d.geosearch(rq.z, &rq.spec)
	if err != nil || !rq.hasStore {
		return pts, 0, err
	}
	return nil, d.geostore(rq.store, pts, rq.storeDist, rq.spec.shape.conv, rq.storeEvent), nil
}

func (c *call) geoSearchCmd(flags int) {
	rq, err := c.db.parseGeoSearch(c.args, flags)
	if err != nil {
		c.fail(err)
		return
	}
	pts, n, err := c.db.runGeoSearch(rq)
	if err != nil {
		c.fail(err)
		return
	}
	if rq.hasStore {
		c.w.Int(n)
		return
	}
	opts := 0
	for _, b := range []bool{rq.withDist, rq.withHash, rq.withCoord} {
		if b {
			opts++
		}
	}
	c.w.Array(len(pts))
	for _, p := range pts {
		if opts > 0 {
			c.w.Array(opts + 1)
		}
		c.w.Bulk(p.member)
		if rq.withDist {
			c.w.Bulk(formatGeoDist(p.dist / rq.spec.shape.conv))
		}
		if rq.withHash {
			c.w.Int(int64(p.score))
		}
		if rq.withCoord {
			c.w.Array(2)
			c.geoCoord(p.lon)
			c.geoCoord(p.lat)
		}
	}
}

func cmdGeoSearch(c *call)      { c.geoSearchCmd(geoCmdSearch) }
func cmdGeoSearchStore(c *call) { c.geoSearchCmd(geoCmdSearch | geoCmdSearchStore) }
func cmdGeoRadius(c *call)      { c.geoSearchCmd(geoCmdCoords) }
func cmdGeoRadiusByMember(c *call) {
	c.geoSearchCmd(geoCmdMember)
}
func cmdGeoRadiusRO(c *call) { c.geoSearchCmd(geoCmdCoords | geoCmdNoStore) }
func cmdGeoRadiusByMemberRO(c *call) {
	c.geoSearchCmd(geoCmdMember | geoCmdNoStore)
}

// ---- typed API ----

// GeoLocation is a named point: what GeoAdd adds, and what the searches
// return (Dist and GeoHash filled only when asked for; Dist is in the
// query's unit).
type GeoLocation struct {
	Name                      string
	Longitude, Latitude, Dist float64
	GeoHash                   int64
}

// GeoPos is a member's position, as GEOPOS reports it (the centre of its
// 52-bit geohash cell, not the exact coordinates added).
type GeoPos struct {
	Longitude, Latitude float64
}

// GeoAddArgs holds GEOADD's options for GeoAddArgs: NX adds new members
// only, XX updates existing ones only, Ch counts changed members as well as
// new ones.
type GeoAddArgs struct {
	NX, XX, Ch bool
	Members    []GeoLocation
}

// GeoSearchQuery is a search as go-redis has it: the centre is Member when
// not empty, else Longitude, Latitude; the area is a circle of Radius in
// RadiusUnit when Radius is not 0, else a box of BoxWidth by BoxHeight in
// BoxUnit. Units are "m", "km", "ft" or "mi" ("" means "km", as in
// go-redis). Sort is "", "ASC" or "DESC"; Count, when not 0, caps the
// results (COUNT), CountAny adds ANY.
type GeoSearchQuery struct {
	Member              string
	Longitude, Latitude float64
	Radius              float64
	RadiusUnit          string
	BoxWidth, BoxHeight float64
	BoxUnit             string
	Sort                string
	Count               int
	CountAny            bool
}

// GeoSearchLocationQuery is a GeoSearchQuery that also asks for
// coordinates, distances or geohashes.
type GeoSearchLocationQuery struct {
	GeoSearchQuery
	WithCoord, WithDist, WithHash bool
}

// GeoSearchStoreQuery is a GeoSearchQuery for GeoSearchStore; StoreDist
// stores distances instead of geohashes as the scores.
type GeoSearchStoreQuery struct {
	GeoSearchQuery
	StoreDist bool
}

// GeoRadiusQuery holds the options of GeoRadius and GeoRadiusByMember, as
// go-redis has them. Unit "" means "km". Store or StoreDist, for the Store
// forms, name the key the results go to.
type GeoRadiusQuery struct {
	Radius                           float64
	Unit                             string
	WithCoord, WithDist, WithGeoHash bool
	Count                            int
	Sort                             string
	Store, StoreDist                 string
}

func geoFloat(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

func geoUnitOrKM(u string) string {
	if u == "" {
		return "km"
	}
	return u
}

// args renders q as GEOSEARCH's arguments.
func (q *GeoSearchQuery) args(a []string) []string {
	if q.Member != "" {
		a = append(a, "FROMMEMBER", q.Member)
	} else {
		a = append(a, "FROMLONLAT", geoFloat(q.Longitude), geoFloat(q.Latitude))
	}
	if q.Radius != 0 || q.BoxWidth == 0 && q.BoxHeight == 0 {
		a = append(a, "BYRADIUS", geoFloat(q.Radius), geoUnitOrKM(q.RadiusUnit))
	} else {
		a = append(a, "BYBOX", geoFloat(q.BoxWidth), geoFloat(q.BoxHeight), geoUnitOrKM(q.BoxUnit))
	}
	if q.Count != 0 {
		a = append(a, "COUNT", strconv.Itoa(q.Count))
		if q.CountAny {
			a = append(a, "ANY")
		}
	}
	if q.Sort != "" {
		a = append(a, q.Sort)
	}
	return a
}

func (q *GeoRadiusQuery) args(a []string, store bool) []string {
	a = append(a, geoFloat(q.Radius), geoUnitOrKM(q.Unit))
	if q.WithCoord {
		a = append(a, "WITHCOORD")
	}
	if q.WithDist {
		a = append(a, "WITHDIST")
	}
	if q.WithGeoHash {
		a = append(a, "WITHHASH")
	}
	if q.Count != 0 {
		a = append(a, "COUNT", strconv.Itoa(q.Count))
	}
	if q.Sort != "" {
		a = append(a, q.Sort)
	}
	if store {
		if q.Store != "" {
			a = append(a, "STORE", q.Store)
		}
		if q.StoreDist != "" {
			a = append(a, "STOREDIST", q.StoreDist)
		}
	}
	return a
}

// geoSearchArgs parses args (a whole search command) and runs it under the
// lock.
func (c *cmdable) geoSearchArgs(args []string, flags int, write bool) (*geoRequest, []geoPoint, int64, error) {
	d, err := c.begin(write)
	if err != nil {
		return nil, nil, 0, err
	}
	defer c.end()
	rq, err := d.parseGeoSearch(args, flags)
	if err != nil {
		return nil, nil, 0, err
	}
	pts, n, err := d.runGeoSearch(rq)
	return rq, pts, n, err
}

func geoLocations(rq *geoRequest, pts []geoPoint) []GeoLocation {
	out := make([]GeoLocation, len(pts))
	for i, p := range pts {
		out[i].Name = p.member
		if rq.withCoord {
			out[i].Longitude, out[i].Latitude = p.lon, p.lat
		}
		if rq.withDist {
			out[i].Dist = p.dist / rq.spec.shape.conv
		}
		if rq.withHash {
			out[i].GeoHash = int64(p.score)
		}
	}
	return out
}

// GeoAdd adds or updates members at their coordinates in the geo set at
// key and returns how many are new, as GEOADD does. Coordinates outside
// what a geohash holds fail with ErrGeoLonLat, and nothing is added.
func (c *cmdable) GeoAdd(key string, locs ...GeoLocation) (int64, error) {
	return c.GeoAddArgs(key, GeoAddArgs{Members: locs})
}

// GeoAddArgs is GEOADD with its NX, XX and CH options.
func (c *cmdable) GeoAddArgs(key string, args GeoAddArgs) (int64, error) {
	if len(args.Members) == 0 {
		return 0, arityError("geoadd")
	}
	if args.NX && args.XX {
		return 0, ErrSyntax
	}
	for _, l := range args.Members {
		if err := geoCheck(l.Longitude, l.Latitude); err != nil {
			return 0, err
		}
	}
	d, err := c.begin(true)
	if err != nil {
		return 0, err
	}
	defer c.end()
	return d.geoadd(key, zaddFlags{nx: args.NX, xx: args.XX, ch: args.Ch}, args.Members)
}

// GeoPos returns the positions of members in the geo set at key, as GEOPOS
// does: nil for a member (or key) that does not exist.
func (c *cmdable) GeoPos(key string, members ...string) ([]*GeoPos, error) {
	d, err := c.begin(false)
	if err != nil {
		return nil, err
	}
	defer c.end()
	return d.geopos(key, members)
}

// GeoDist returns the distance between two members of the geo set at key
// in unit ("m", "km", "ft", "mi"; "" means meters), as GEODIST does,
// without its rounding to four decimals. ok is false when the key or a
// member does not exist.
func (c *cmdable) GeoDist(key, member1, member2, unit string) (dist float64, ok bool, err error) {
	conv := 1.0
	if unit != "" {
		if conv, err = geoUnit(unit); err != nil {
			return 0, false, err
		}
	}
	d, err := c.begin(false)
	if err != nil {
		return 0, false, err
	}
	defer c.end()
	return d.geodist(key, member1, member2, conv)
}

// GeoHash returns the 11-character geohash strings of members of the geo
// set at key, as GEOHASH does; "" for a member that does not exist.
func (c *cmdable) GeoHash(key string, members ...string) ([]string, error) {
	d, err := c.begin(false)
	if err != nil {
		return nil, err
	}
	defer c.end()
	hs, _, err := d.geohash(key, members)
	return hs, err
}

// GeoSearch returns the members of the geo set at key inside the area of
// q, as GEOSEARCH does.
func (c *cmdable) GeoSearch(key string, q *GeoSearchQuery) ([]string, error) {
	_, pts, _, err := c.geoSearchArgs(q.args([]string{"geosearch", key}), geoCmdSearch, false)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(pts))
	for i, p := range pts {
		out[i] = p.member
	}
	return out, nil
}

// GeoSearchLocation is GeoSearch with WITHCOORD, WITHDIST and WITHHASH as
// q asks.
func (c *cmdable) GeoSearchLocation(key string, q *GeoSearchLocationQuery) ([]GeoLocation, error) {
	a := q.GeoSearchQuery.args([]string{"geosearch", key})
	if q.WithCoord {
		a = append(a, "WITHCOORD")
	}
	if q.WithDist {
		a = append(a, "WITHDIST")
	}
	if q.WithHash {
		a = append(a, "WITHHASH")
	}
	rq, pts, _, err := c.geoSearchArgs(a, geoCmdSearch, false)
	if err != nil {
		return nil, err
	}
	return geoLocations(rq, pts), nil
}

// GeoSearchStore stores at store what GeoSearch would find in key (scores
// are geohashes, or distances with StoreDist) and returns how many, as
// GEOSEARCHSTORE does.
func (c *cmdable) GeoSearchStore(key, store string, q *GeoSearchStoreQuery) (int64, error) {
	a := q.GeoSearchQuery.args([]string{"geosearchstore", store, key})
	if q.StoreDist {
		a = append(a, "STOREDIST")
	}
	_, _, n, err := c.geoSearchArgs(a, geoCmdSearch|geoCmdSearchStore, true)
	return n, err
}

// GeoRadius returns the members of the geo set at key within q.Radius of
// longitude, latitude, as GEORADIUS_RO does (q.Store and q.StoreDist are
// ignored; see GeoRadiusStore).
func (c *cmdable) GeoRadius(key string, longitude, latitude float64, q *GeoRadiusQuery) ([]GeoLocation, error) {
	a := q.args([]string{"georadius_ro", key, geoFloat(longitude), geoFloat(latitude)}, false)
	rq, pts, _, err := c.geoSearchArgs(a, geoCmdCoords|geoCmdNoStore, false)
	if err != nil {
		return nil, err
	}
	return geoLocations(rq, pts), nil
}

// GeoRadiusStore is GEORADIUS with STORE or STOREDIST: it stores the
// results and returns how many.
func (c *cmdable) GeoRadiusStore(key string, longitude, latitude float64, q *GeoRadiusQuery) (int64, error) {
	a := q.args([]string{"georadius", key, geoFloat(longitude), geoFloat(latitude)}, true)
	_, _, n, err := c.geoSearchArgs(a, geoCmdCoords, true)
	return n, err
}

// GeoRadiusByMember is GeoRadius centred on member, as
// GEORADIUSBYMEMBER_RO does.
func (c *cmdable) GeoRadiusByMember(key, member string, q *GeoRadiusQuery) ([]GeoLocation, error) {
	a := q.args([]string{"georadiusbymember_ro", key, member}, false)
	rq, pts, _, err := c.geoSearchArgs(a, geoCmdMember|geoCmdNoStore, false)
	if err != nil {
		return nil, err
	}
	return geoLocations(rq, pts), nil
}

// GeoRadiusByMemberStore is GEORADIUSBYMEMBER with STORE or STOREDIST.
func (c *cmdable) GeoRadiusByMemberStore(key, member string, q *GeoRadiusQuery) (int64, error) {
	a := q.args([]string{"georadiusbymember", key, member}, true)
	_, _, n, err := c.geoSearchArgs(a, geoCmdMember, true)
	return n, err
}

// ---- correctly rounded sin, cos and asin ----
//
// Go's math.Sin, math.Cos and math.Asin may be one unit in the last place
// away from glibc's, which rounds correctly; distances stored with
// STOREDIST show every bit, so the geo commands compute these in
// double-double arithmetic and round once.

// geoDD is an unevaluated sum hi+lo with |lo| <= ulp(hi)/2.
type geoDD struct{ hi, lo float64 }

func geoTwoSum(a, b float64) geoDD {
	s := a + b
	bb := s - a
	return geoDD{s, (a - (s - bb)) + (b - bb)}
}

func geoQuickTwoSum(a, b float64) geoDD {
	s := a + b
	return geoDD{s, b - (s - a)}
}

func (a geoDD) add(b geoDD) geoDD {
	s := geoTwoSum(a.hi, b.hi)
	t := geoTwoSum(a.lo, b.lo)
	s.lo += t.hi
	s = geoQuickTwoSum(s.hi, s.lo)
	s.lo += t.lo
	return geoQuickTwoSum(s.hi, s.lo)
}

func (a geoDD) neg() geoDD { return geoDD{-a.hi, -a.lo} }

func (a geoDD) mul(b geoDD) geoDD {
	p := a.hi * b.hi
	e := math.FMA(a.hi, b.hi, -p)
	e += a.hi*b.lo + a.lo*b.hi
	return geoQuickTwoSum(p, e)
}

func (a geoDD) divF(b float64) geoDD {
	q1 := a.hi / b
	p := q1 * b
	e := math.FMA(q1, b, -p)
	r := geoDD{a.hi - p, 0}.add(geoDD{-e, a.lo})
	q2 := r.hi / b
	return geoQuickTwoSum(q1, q2)
}

func (a geoDD) div(b geoDD) geoDD {
	q1 := a.hi / b.hi
	r := a.add(b.mul(geoDD{q1, 0}).neg())
	q2 := r.hi / b.hi
	r = r.add(b.mul(geoDD{q2, 0}).neg())
	q3 := r.hi / b.hi
	return geoDD{q1, 0}.add(geoDD{q2, 0}).add(geoDD{q3, 0})
}

var (
	geoDDPi     = geoDD{3.141592653589793116, 1.224646799147353207e-16}
	geoDDHalfPi = geoDD{1.570796326794896558, 6.123233995736766036e-17}
)

// geoSinSeries and geoCosSeries are Taylor series, for |x| <= pi/4 or so.
func geoSinSeries(x geoDD) geoDD {
	x2 := x.mul(x)
	term, sum := x, x
	for k := 1; k < 40; k++ {
		term = term.mul(x2).divF(float64((2 * k) * (2*k + 1))).neg()
		sum = sum.add(term)
		if math.Abs(term.hi) < 1e-40*math.Abs(sum.hi) || term.hi == 0 {
			break
		}
	}
	return sum
}

func geoCosSeries(x geoDD) geoDD {
	x2 := x.mul(x)
	term, sum := geoDD{1, 0}, geoDD{1, 0}
	for k := 1; k < 40; k++ {
		term = term.mul(x2).divF(float64((2*k - 1) * (2 * k))).neg()
		sum = sum.add(term)
		if math.Abs(term.hi) < 1e-40 || term.hi == 0 {
			break
		}
	}
	return sum
}

// geoDDSin is sin(x) for |x| <= pi (a little beyond is fine).
func geoDDSin(x geoDD) geoDD {
	neg := x.hi < 0
	if neg {
		x = x.neg()
	}
	var r geoDD
	switch {
	case x.hi <= math.Pi/4:
		r = geoSinSeries(x)
	case x.hi <= 3*math.Pi/4:
		r = geoCosSeries(geoDDHalfPi.add(x.neg()))
	default:
		r = geoSinSeries(geoDDPi.add(x.neg()))
	}
	if neg {
		return r.neg()
	}
	return r
}

// geoDDCos is cos(x) for |x| <= pi.
func geoDDCos(x geoDD) geoDD {
	if x.hi < 0 {
		x = x.neg()
	}
	switch {
	case x.hi <= math.Pi/4:
		return geoCosSeries(x)
	case x.hi <= 3*math.Pi/4:
		return geoSinSeries(geoDDHalfPi.add(x.neg()))
	}
	return geoCosSeries(geoDDPi.add(x.neg())).neg()
}

func geoSin(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) || math.Abs(x) > 3.2 {
		return math.Sin(x)
	}
	r := geoDDSin(geoDD{x, 0})
	return r.hi + r.lo
}

func geoCos(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) || math.Abs(x) > 3.2 {
		return math.Cos(x)
	}
	r := geoDDCos(geoDD{x, 0})
	return r.hi + r.lo
}

// geoAsin refines math.Asin with a Newton step in double-double.
func geoAsin(y float64) float64 {
	x0 := math.Asin(y)
	if math.IsNaN(x0) || y == 0 {
		return x0
	}
	c := geoDDCos(geoDD{x0, 0})
	if c.hi == 0 {
		return x0
	}
	s := geoDDSin(geoDD{x0, 0})
	x1 := geoDD{x0, 0}.add(s.add(geoDD{-y, 0}).div(c).neg())
	return x1.hi + x1.lo
}
