package racefree

import (
	"fmt"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
)

// infoSections are INFO's sections in the order Redis writes them, and
// which of them "default" and "all" include.
var infoSections = []struct {
	name       string
	title      string
	notDefault bool // only with "all" or "everything", or by name
	notAll     bool // only with "everything", or by name
}{
	{name: "server", title: "Server"},
	{name: "clients", title: "Clients"},
	{name: "memory", title: "Memory"},
	{name: "persistence", title: "Persistence"},
	{name: "stats", title: "Stats"},
	{name: "replication", title: "Replication"},
	{name: "cpu", title: "CPU"},
	{name: "modules", title: "Modules"},
	{name: "commandstats", title: "Commandstats", notDefault: true},
	{name: "errorstats", title: "Errorstats"},
	{name: "latencystats", title: "Latencystats", notDefault: true},
	{name: "cluster", title: "Cluster"},
	{name: "keyspace", title: "Keyspace"},
}

// Info returns the text INFO replies with: the sections named (server,
// clients, memory, persistence, stats, replication, cpu, modules,
// commandstats, errorstats, latencystats, cluster, keyspace, or "default",
// "all", "everything"), or the default ones when none is named. Lines end
// in CRLF, as on redis-server; redis_version is 7.0.15.
//
// The statistics count what Redis counts (see stats.go): keyspace hits and
// misses, expired keys, error replies by code, and calls, rejected and
// failed calls per command for the commands that go through the command
// table (Do, scripts, connections), not the typed API. Unlike Redis, memory
// and CPU figures describe the whole Go process, and command durations are
// not measured: usec, usec_per_call and the latency percentiles are 0.
func (c *cmdable) Info(sections ...string) (string, error) {
	if _, err := c.begin(false); err != nil {
		return "", err
	}
	defer c.end()
	return c.s.info(sections), nil
}

func cmdInfo(c *call) { verbatim(c.w, c.s.info(c.args[1:])) }

// info builds INFO's text. The caller holds s.mu.
func (s *Store) info(args []string) string {
	want := map[string]bool{}
	def, all, every := len(args) == 0, false, false
	for _, a := range args {
		switch a = strings.ToLower(a); a {
		case "default":
			def = true
		case "all":
			all = true
		case "everything":
			every = true
		default:
			want[a] = true
		}
	}
	var b strings.Builder
	for _, sec := range infoSections {
		on := want[sec.name] || every ||
			all && !sec.notAll ||
			def && !sec.notDefault && !sec.notAll
		if !on {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("\r\n")
		}
		b.WriteString("# " + sec.title + "\r\n")
		for _, kv := range s.infoSection(sec.name) {
			b.WriteString(kv[0])
			b.WriteByte(':')
			b.WriteString(kv[1])
			b.WriteString("\r\n")
		}
	}
	return b.String()
}

// processMetrics reads the Go runtime's figures INFO reports for memory and
// CPU.
func processMetrics() (heap, total uint64, user, sys float64) {
	samples := []metrics.Sample{
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/memory/classes/total:bytes"},
		{Name: "/cpu/classes/user:cpu-seconds"},
		{Name: "/cpu/classes/gc/total:cpu-seconds"},
	}
	metrics.Read(samples)
	get := func(i int) uint64 {
		if samples[i].Value.Kind() == metrics.KindUint64 {
			return samples[i].Value.Uint64()
		}
		return 0
	}
	getF := func(i int) float64 {
		if samples[i].Value.Kind() == metrics.KindFloat64 {
			return samples[i].Value.Float64()
		}
		return 0
	}
	return get(0), get(1), getF(2), getF(3)
}

// bytesHuman is Redis's bytesToHuman: 100B, 1.02M, 2.00G.
func bytesHuman(n uint64) string {
	f := float64(n)
	switch {
	case n < 1024:
		return strconv.FormatUint(n, 10) + "B"
	case n < 1024*1024:
		return fmt.Sprintf("%.2fK", f/1024)
	case n < 1024*1024*1024:
		return fmt.Sprintf("%.2fM", f/(1024*1024))
	case n < 1024*1024*1024*1024:
		return fmt.Sprintf("%.2fG", f/(1024*1024*1024))
	case n < 1024*1024*1024*1024*1024:
		return fmt.Sprintf("%.2fT", f/(1024*1024*1024*1024))
	}
	return fmt.Sprintf("%.2fP", f/(1024*1024*1024*1024*1024))
}

// runID is the 40 hex digits INFO reports as run_id, made from the store's
// random source once.
func (s *Store) runID() string {
	if s.srv.runID == "" {
		s.srv.runID = fmt.Sprintf("%016x%016x%08x", s.rng.Uint64(), s.rng.Uint64(), s.rng.Uint32())
	}
	return s.srv.runID
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// infoSection returns a section's fields. The caller holds s.mu.
func (s *Store) infoSection(name string) [][2]string {
	now := s.nowTime()
	switch name {
	case "server":
		exe, _ := os.Executable()
		uptime := int64(now.Sub(s.srv.started).Seconds())
		return [][2]string{
			{"redis_version", "7.0.15"},
			{"redis_git_sha1", "00000000"},
			{"redis_git_dirty", "0"},
			{"redis_build_id", "0"},
			{"redis_mode", "standalone"},
			{"os", runtime.GOOS + " " + runtime.GOARCH},
			{"arch_bits", strconv.Itoa(strconv.IntSize)},
			{"monotonic_clock", "POSIX clock_gettime"},
			{"multiplexing_api", "go"},
			{"atomicvar_api", "c11-builtin"},
			{"gcc_version", "0.0.0"},
			{"process_id", strconv.Itoa(os.Getpid())},
			{"process_supervised", "no"},
			{"run_id", s.runID()},
			{"tcp_port", s.configValue("port")},
			{"server_time_usec", itoa(now.UnixMicro())},
			{"uptime_in_seconds", itoa(uptime)},
			{"uptime_in_days", itoa(uptime / 86400)},
			{"hz", s.configValue("hz")},
			{"configured_hz", s.configValue("hz")},
			{"lru_clock", itoa(s.lru & (1<<24 - 1))},
			{"executable", exe},
			{"config_file", ""},
			{"io_threads_active", "0"},
		}
	case "clients":
		blocked, tracking := 0, 0
		for _, c := range s.srv.conns {
			if c.info.cancelBlock != nil {
				blocked++
			}
			if c.trackingOn() {
				tracking++
			}
		}
		return [][2]string{
			{"connected_clients", strconv.Itoa(len(s.srv.conns))},
			{"cluster_connections", "0"},
			{"maxclients", s.configValue("maxclients")},
			{"client_recent_max_input_buffer", "0"},
			{"client_recent_max_output_buffer", "0"},
			{"blocked_clients", strconv.Itoa(blocked)},
			{"tracking_clients", strconv.Itoa(tracking)},
			{"clients_in_timeout_table", strconv.Itoa(blocked)},
		}
	case "memory":
		heap, total, _, _ := processMetrics()
		maxmem, _ := strconv.ParseUint(s.configValue("maxmemory"), 10, 64)
		libs, funcs := 0, 0
		if s.lua != nil {
			libs, funcs = s.functions().Counts()
		}
		return [][2]string{
			{"used_memory", strconv.FormatUint(heap, 10)},
			{"used_memory_human", bytesHuman(heap)},
			{"used_memory_rss", strconv.FormatUint(total, 10)},
			{"used_memory_rss_human", bytesHuman(total)},
			{"used_memory_peak", strconv.FormatUint(heap, 10)},
			{"used_memory_peak_human", bytesHuman(heap)},
			{"used_memory_peak_perc", "100.00%"},
			{"used_memory_overhead", "0"},
			{"used_memory_startup", "0"},
			{"used_memory_dataset", strconv.FormatUint(heap, 10)},
			{"used_memory_dataset_perc", "100.00%"},
			{"allocator_allocated", strconv.FormatUint(heap, 10)},
			{"allocator_active", strconv.FormatUint(heap, 10)},
			{"allocator_resident", strconv.FormatUint(total, 10)},
			{"total_system_memory", "0"},
			{"total_system_memory_human", "0B"},
			{"used_memory_lua", "0"},
			{"used_memory_vm_eval", "0"},
			{"used_memory_lua_human", "0B"},
			{"used_memory_scripts_eval", "0"},
			{"number_of_cached_scripts", "0"},
			{"number_of_functions", strconv.Itoa(funcs)},
			{"number_of_libraries", strconv.Itoa(libs)},
			{"used_memory_vm_functions", "0"},
			{"used_memory_vm_total", "0"},
			{"used_memory_vm_total_human", "0B"},
			{"used_memory_functions", "0"},
			{"used_memory_scripts", "0"},
			{"used_memory_scripts_human", "0B"},
			{"maxmemory", strconv.FormatUint(maxmem, 10)},
			{"maxmemory_human", bytesHuman(maxmem)},
			{"maxmemory_policy", s.configValue("maxmemory-policy")},
			{"allocator_frag_ratio", "1.00"},
			{"allocator_frag_bytes", "0"},
			{"allocator_rss_ratio", "1.00"},
			{"allocator_rss_bytes", "0"},
			{"rss_overhead_ratio", "1.00"},
			{"rss_overhead_bytes", "0"},
			{"mem_fragmentation_ratio", "1.00"},
			{"mem_fragmentation_bytes", "0"},
			{"mem_not_counted_for_evict", "0"},
			{"mem_replication_backlog", "0"},
			{"mem_total_replication_buffers", "0"},
			{"mem_clients_slaves", "0"},
			{"mem_clients_normal", "0"},
			{"mem_cluster_links", "0"},
			{"mem_aof_buffer", "0"},
			{"mem_allocator", "go"},
			{"active_defrag_running", "0"},
			{"lazyfree_pending_objects", "0"},
			{"lazyfreed_objects", "0"},
		}
	case "persistence":
		return [][2]string{
			{"loading", "0"},
			{"async_loading", "0"},
			{"current_cow_peak", "0"},
			{"current_cow_size", "0"},
			{"current_cow_size_age", "0"},
			{"current_fork_perc", "0.00"},
			{"current_save_keys_processed", "0"},
			{"current_save_keys_total", "0"},
			{"rdb_changes_since_last_save", "0"},
			{"rdb_bgsave_in_progress", "0"},
			{"rdb_last_save_time", itoa(s.srv.lastSave)},
			{"rdb_last_bgsave_status", "ok"},
			{"rdb_last_bgsave_time_sec", "-1"},
			{"rdb_current_bgsave_time_sec", "-1"},
			{"rdb_saves", "0"},
			{"rdb_last_cow_size", "0"},
			{"rdb_last_load_keys_expired", "0"},
			{"rdb_last_load_keys_loaded", "0"},
			{"aof_enabled", map[bool]string{true: "1", false: "0"}[s.configValue("appendonly") == "yes"]},
			{"aof_rewrite_in_progress", "0"},
			{"aof_rewrite_scheduled", "0"},
			{"aof_last_rewrite_time_sec", "-1"},
			{"aof_current_rewrite_time_sec", "-1"},
			{"aof_last_bgrewrite_status", "ok"},
			{"aof_rewrites", "0"},
			{"aof_rewrites_consecutive_failures", "0"},
			{"aof_last_write_status", "ok"},
			{"aof_last_cow_size", "0"},
			{"module_fork_in_progress", "0"},
			{"module_fork_last_cow_size", "0"},
		}
	case "stats":
		return [][2]string{
			{"total_connections_received", itoa(s.srv.connsTotal)},
			{"total_commands_processed", itoa(s.commandsProcessed())},
			{"instantaneous_ops_per_sec", "0"},
			{"total_net_input_bytes", "0"},
			{"total_net_output_bytes", "0"},
			{"total_net_repl_input_bytes", "0"},
			{"total_net_repl_output_bytes", "0"},
			{"instantaneous_input_kbps", "0.00"},
			{"instantaneous_output_kbps", "0.00"},
			{"instantaneous_input_repl_kbps", "0.00"},
			{"instantaneous_output_repl_kbps", "0.00"},
			{"rejected_connections", "0"},
			{"sync_full", "0"},
			{"sync_partial_ok", "0"},
			{"sync_partial_err", "0"},
			{"expired_keys", itoa(s.stat.expired)},
			{"expired_stale_perc", "0.00"},
			{"expired_time_cap_reached_count", "0"},
			{"expire_cycle_cpu_milliseconds", "0"},
			{"evicted_keys", "0"},
			{"evicted_clients", "0"},
			{"total_eviction_exceeded_time", "0"},
			{"current_eviction_exceeded_time", "0"},
			{"keyspace_hits", itoa(s.stat.hits)},
			{"keyspace_misses", itoa(s.stat.misses)},
			{"pubsub_channels", s.pubsubInfo("pubsub_channels")},
			{"pubsub_patterns", s.pubsubInfo("pubsub_patterns")},
			{"pubsubshard_channels", s.pubsubInfo("pubsubshard_channels")},
			{"latest_fork_usec", "0"},
			{"total_forks", "0"},
			{"migrate_cached_sockets", "0"},
			{"slave_expires_tracked_keys", "0"},
			{"active_defrag_hits", "0"},
			{"active_defrag_misses", "0"},
			{"active_defrag_key_hits", "0"},
			{"active_defrag_key_misses", "0"},
			{"total_active_defrag_time", "0"},
			{"current_active_defrag_time", "0"},
			{"tracking_total_keys", s.pubsubInfo("tracking_total_keys")},
			{"tracking_total_items", s.pubsubInfo("tracking_total_items")},
			{"tracking_total_prefixes", s.pubsubInfo("tracking_total_prefixes")},
			{"unexpected_error_replies", "0"},
			{"total_error_replies", itoa(s.stat.errors)},
			{"dump_payload_sanitizations", "0"},
			{"total_reads_processed", itoa(s.srv.commandsTotal)},
			{"total_writes_processed", itoa(s.srv.commandsTotal)},
			{"io_threaded_reads_processed", "0"},
			{"io_threaded_writes_processed", "0"},
			{"reply_buffer_shrinks", "0"},
			{"reply_buffer_expands", "0"},
		}
	case "replication":
		return [][2]string{
			{"role", "master"},
			{"connected_slaves", "0"},
			{"master_failover_state", "no-failover"},
			{"master_replid", s.runID()},
			{"master_replid2", "0000000000000000000000000000000000000000"},
			{"master_repl_offset", "0"},
			{"second_repl_offset", "-1"},
			{"repl_backlog_active", "0"},
			{"repl_backlog_size", s.configValue("repl-backlog-size")},
			{"repl_backlog_first_byte_offset", "0"},
			{"repl_backlog_histlen", "0"},
		}
	case "cpu":
		_, _, user, sys := processMetrics()
		f := func(v float64) string { return strconv.FormatFloat(v, 'f', 6, 64) }
		return [][2]string{
			{"used_cpu_sys", f(sys)},
			{"used_cpu_user", f(user)},
			{"used_cpu_sys_children", "0.000000"},
			{"used_cpu_user_children", "0.000000"},
			{"used_cpu_sys_main_thread", f(sys)},
			{"used_cpu_user_main_thread", f(user)},
		}
	case "commandstats":
		return s.commandStatsInfo()
	case "errorstats":
		return s.errorStatsInfo()
	case "latencystats":
		return s.latencyStatsInfo()
	case "cluster":
		return [][2]string{{"cluster_enabled", "0"}}
	case "keyspace":
		var out [][2]string
		nowMS := s.nowMS()
		for _, d := range s.dbs {
			d.purge()
			if len(d.keys) == 0 {
				continue
			}
			expires, ttlSum := 0, int64(0)
			d.expires.Ascend(func(dl deadline) bool {
				expires++
				ttlSum += dl.at - nowMS
				return true
			})
			avg := int64(0)
			if expires > 0 {
				avg = ttlSum / int64(expires)
			}
			out = append(out, [2]string{"db" + strconv.Itoa(d.id),
				fmt.Sprintf("keys=%d,expires=%d,avg_ttl=%d", len(d.keys), expires, avg)})
		}
		return out
	}
	return nil
}

// infoCommands is INFO.
var infoCommands = []*command{
	{name: "info", arity: -1, flags: flagLoading | flagStale, run: cmdInfo},
}
