import { componentEmbed, parse } from "@bytecodealliance/jco";

// Go's wasip1 runtime imports WASI preview 1 (`wasi_snapshot_preview1`): clocks, random bytes,
// stdout/stderr, exit, and — once `os` is linked — files. A component may import nothing but the
// nylon contract, so a Go plugin's component carries this adapter module in their place
// (`jco new --adapt wasi_snapshot_preview1=...`). It answers from the host's functions: time and
// randomness from the host, stdout/stderr to the proxy's log, exit as the plugin's failure; args and
// the environment are empty, and every file, directory and socket call fails with EBADF (there are
// no file descriptors beyond 1 and 2), so Go returns an error instead of trapping. The adapter uses
// the plugin's memory (`env.memory`) and calls only host functions that need no allocation in it.
// Written as WebAssembly text because no toolchain here builds a module this small and exact.

// WASI preview 1 errno values.
const ERRNO = { success: 0, badf: 8, inval: 28, nosys: 52 } as const;

/** Every other preview1 function, by signature: absent facilities, each failing with an errno. */
const ABSENT: readonly (readonly [name: string, params: string, errno: number])[] = [
  ["fd_advise", "i32 i64 i64 i32", ERRNO.badf],
  ["fd_allocate", "i32 i64 i64", ERRNO.badf],
  ["fd_close", "i32", ERRNO.badf],
  ["fd_datasync", "i32", ERRNO.badf],
  ["fd_fdstat_set_flags", "i32 i32", ERRNO.badf],
  ["fd_fdstat_set_rights", "i32 i64 i64", ERRNO.badf],
  ["fd_filestat_get", "i32 i32", ERRNO.badf],
  ["fd_filestat_set_size", "i32 i64", ERRNO.badf],
  ["fd_filestat_set_times", "i32 i64 i64 i32", ERRNO.badf],
  ["fd_pread", "i32 i32 i32 i64 i32", ERRNO.badf],
  ["fd_prestat_get", "i32 i32", ERRNO.badf],
  ["fd_prestat_dir_name", "i32 i32 i32", ERRNO.badf],
  ["fd_pwrite", "i32 i32 i32 i64 i32", ERRNO.badf],
  ["fd_read", "i32 i32 i32 i32", ERRNO.badf],
  ["fd_readdir", "i32 i32 i32 i64 i32", ERRNO.badf],
  ["fd_renumber", "i32 i32", ERRNO.badf],
  ["fd_seek", "i32 i64 i32 i32", ERRNO.badf],
  ["fd_sync", "i32", ERRNO.badf],
  ["fd_tell", "i32 i32", ERRNO.badf],
  ["path_create_directory", "i32 i32 i32", ERRNO.badf],
  ["path_filestat_get", "i32 i32 i32 i32 i32", ERRNO.badf],
  ["path_filestat_set_times", "i32 i32 i32 i32 i64 i64 i32", ERRNO.badf],
  ["path_link", "i32 i32 i32 i32 i32 i32 i32", ERRNO.badf],
  ["path_open", "i32 i32 i32 i32 i32 i64 i64 i32 i32", ERRNO.badf],
  ["path_readlink", "i32 i32 i32 i32 i32 i32", ERRNO.badf],
  ["path_remove_directory", "i32 i32 i32", ERRNO.badf],
  ["path_rename", "i32 i32 i32 i32 i32 i32", ERRNO.badf],
  ["path_symlink", "i32 i32 i32 i32 i32", ERRNO.badf],
  ["path_unlink_file", "i32 i32 i32", ERRNO.badf],
  ["proc_raise", "i32", ERRNO.nosys],
  ["sock_accept", "i32 i32 i32", ERRNO.badf],
  ["sock_recv", "i32 i32 i32 i32 i32 i32", ERRNO.badf],
  ["sock_send", "i32 i32 i32 i32 i32", ERRNO.badf],
  ["sock_shutdown", "i32 i32", ERRNO.badf],
];

/** The functions that do something, over the host's imports ($now_ms, $monotonic_ns, $random_u64, $write_output, $exit). */
const IMPLEMENTED = `
  ;; No arguments and no environment: both lists are empty.
  (func (export "args_sizes_get") (param $count i32) (param $bytes i32) (result i32)
    (i32.store (local.get $count) (i32.const 0))
    (i32.store (local.get $bytes) (i32.const 0))
    (i32.const ${ERRNO.success}))
  (func (export "args_get") (param i32 i32) (result i32) (i32.const ${ERRNO.success}))
  (func (export "environ_sizes_get") (param $count i32) (param $bytes i32) (result i32)
    (i32.store (local.get $count) (i32.const 0))
    (i32.store (local.get $bytes) (i32.const 0))
    (i32.const ${ERRNO.success}))
  (func (export "environ_get") (param i32 i32) (result i32) (i32.const ${ERRNO.success}))

  ;; Clock 0 is real time (the host's, millisecond resolution), 1 monotonic (nanoseconds); no CPU clocks.
  (func (export "clock_time_get") (param $id i32) (param $precision i64) (param $out i32) (result i32)
    (if (i32.eqz (local.get $id)) (then
      (i64.store (local.get $out) (i64.mul (call $now_ms) (i64.const 1000000)))
      (return (i32.const ${ERRNO.success}))))
    (if (i32.eq (local.get $id) (i32.const 1)) (then
      (i64.store (local.get $out) (call $monotonic_ns))
      (return (i32.const ${ERRNO.success}))))
    (i32.const ${ERRNO.inval}))
  (func (export "clock_res_get") (param $id i32) (param $out i32) (result i32)
    (if (i32.gt_u (local.get $id) (i32.const 1)) (then (return (i32.const ${ERRNO.inval}))))
    (i64.store (local.get $out) (select (i64.const 1000000) (i64.const 1) (i32.eqz (local.get $id))))
    (i32.const ${ERRNO.success}))

  ;; Fills the buffer 8 bytes per host call.
  (func (export "random_get") (param $buf i32) (param $len i32) (result i32)
    (local $bits i64) (local $left i32)
    (block $done
      (loop $refill
        (br_if $done (i32.eqz (local.get $len)))
        (local.set $bits (call $random_u64))
        (local.set $left (i32.const 8))
        (loop $byte
          (i32.store8 (local.get $buf) (i32.wrap_i64 (local.get $bits)))
          (local.set $bits (i64.shr_u (local.get $bits) (i64.const 8)))
          (local.set $buf (i32.add (local.get $buf) (i32.const 1)))
          (local.set $len (i32.sub (local.get $len) (i32.const 1)))
          (local.set $left (i32.sub (local.get $left) (i32.const 1)))
          (br_if $done (i32.eqz (local.get $len)))
          (br_if $byte (local.get $left)))
        (br $refill)))
    (i32.const ${ERRNO.success}))

  ;; Descriptors 1 and 2 go to the host's log (write-output: 0 = stdout, 1 = stderr); there are no others.
  (func (export "fd_write") (param $fd i32) (param $iovs i32) (param $count i32) (param $written i32) (result i32)
    (local $total i32) (local $len i32)
    (if (i32.gt_u (i32.sub (local.get $fd) (i32.const 1)) (i32.const 1)) (then (return (i32.const ${ERRNO.badf}))))
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $count)))
        (local.set $len (i32.load offset=4 (local.get $iovs)))
        (call $write_output (i32.sub (local.get $fd) (i32.const 1)) (i32.load (local.get $iovs)) (local.get $len))
        (local.set $total (i32.add (local.get $total) (local.get $len)))
        (local.set $iovs (i32.add (local.get $iovs) (i32.const 8)))
        (local.set $count (i32.sub (local.get $count) (i32.const 1)))
        (br $next)))
    (i32.store (local.get $written) (local.get $total))
    (i32.const ${ERRNO.success}))
  ;; fdstat of 1 and 2: a character device that can be written (filetype 2, rights fd_write = 0x40).
  (func (export "fd_fdstat_get") (param $fd i32) (param $out i32) (result i32)
    (if (i32.gt_u (i32.sub (local.get $fd) (i32.const 1)) (i32.const 1)) (then (return (i32.const ${ERRNO.badf}))))
    (i64.store (local.get $out) (i64.const 2))
    (i64.store offset=8 (local.get $out) (i64.const 0x40))
    (i64.store offset=16 (local.get $out) (i64.const 0))
    (i32.const ${ERRNO.success}))

  ;; A plugin cannot wait: every subscription is reported due at once (clocks without error, descriptors
  ;; with EBADF), so a sleeping Go program polls the monotonic clock until its time comes, and that
  ;; work counts against the callback's deadline. Subscriptions are 48 bytes (userdata, tag at 8);
  ;; events 32 bytes (userdata, errno u16 at 8, type u8 at 10).
  (func (export "poll_oneoff") (param $in i32) (param $out i32) (param $count i32) (param $events i32) (result i32)
    (local $i i32) (local $tag i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
        (local.set $tag (i32.load8_u offset=8 (local.get $in)))
        (i64.store (local.get $out) (i64.load (local.get $in)))
        (i32.store16 offset=8 (local.get $out) (select (i32.const ${ERRNO.success}) (i32.const ${ERRNO.badf}) (i32.eqz (local.get $tag))))
        (i32.store16 offset=10 (local.get $out) (local.get $tag))
        (i64.store offset=16 (local.get $out) (i64.const 0))
        (i64.store offset=24 (local.get $out) (i64.const 0))
        (local.set $in (i32.add (local.get $in) (i32.const 48)))
        (local.set $out (i32.add (local.get $out) (i32.const 32)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i32.store (local.get $events) (local.get $count))
    (i32.const ${ERRNO.success}))

  (func (export "sched_yield") (result i32) (i32.const ${ERRNO.success}))

  ;; The host's exit throws: the call fails with the code, and the instance is rebuilt.
  (func (export "proc_exit") (param $code i32)
    (call $exit (local.get $code))
    (unreachable))
`;

/** The adapter in WebAssembly text, importing the host functions of contract version `version`. */
export function preview1AdapterWat(version: string): string {
  const host = `"nylon:plugin/host@${version}"`;
  const absent = ABSENT.map(
    ([name, params, errno]) => `  (func (export "${name}") (param ${params}) (result i32) (i32.const ${errno}))`,
  ).join("\n");
  return `(module
  (import "env" "memory" (memory 0))
  (import ${host} "now-ms" (func $now_ms (result i64)))
  (import ${host} "monotonic-ns" (func $monotonic_ns (result i64)))
  (import ${host} "random-u64" (func $random_u64 (result i64)))
  (import ${host} "write-output" (func $write_output (param i32 i32 i32)))
  (import ${host} "exit" (func $exit (param i32)))
${IMPLEMENTED}
${absent}
)`;
}

/** The world the adapter is embedded with: it imports the host interface and exports nothing of the contract. */
const ADAPTER_WORLD = "go-preview1-adapter";

/** The adapter module with its component-type section, ready for `componentNew`'s adapters. */
export async function preview1Adapter(witSource: string, version: string): Promise<Uint8Array> {
  const module = await parse(preview1AdapterWat(version));
  return componentEmbed({
    binary: module,
    witSource: `${witSource}\nworld ${ADAPTER_WORLD} {\n  import host;\n}\n`,
    world: ADAPTER_WORLD,
  });
}
