#!/usr/bin/env python3
"""Where a process's CPU went during one measured window of test-cluster/bench --profile (standard library only).

    cpu_profile.py --out WINDOW.txt --summary SUMMARY.txt --window LABEL --wall SECONDS [--hz N] PROC KIND FILE ...

Each PROC KIND FILE triple is one recording of the window: KIND "perf" is a `perf record -g` data file, FILE@PID
for one process of a recording of every CPU (read with `perf script`, with the JVM's or node's /tmp/perf-PID.map, put
back from the copy beside FILE when the process is gone), KIND "jfr" a JFR recording (read with `jfr print`).

WINDOW.txt gets, per recording, the shares grouped (JIT-compiled Java by package, libjvm by the thread doing the work:
GC, JIT compiler, JFR or other; the kernel by FUSE or network when either is anywhere in the kernel call chain, else
by the function sampled: memory, VFS, scheduler...; libc; each other binary or library), for a JVM the shares by
component (each sample charged to the innermost Java frame outside the JDK in its call chain), the top entries by
comm,dso and by symbol (what `perf report --no-children --sort comm,dso` and `--sort sym` show, self time only), and by
thread. SUMMARY.txt gets a few lines per recording with its top groups, so a reader sees at a glance what a tool spent
its CPU on.

Shares are of the recording's samples. perf samples the cpu-clock of each CPU at --hz (default 499), so a process's
samples / hz is its CPU seconds, comparable to the bench's /proc figure; JFR samples only Java threads running Java
code (jdk.ExecutionSample) or in native methods (jdk.NativeMethodSample, counted apart).
"""
import argparse
import collections
import glob
import os
import re
import shutil
import subprocess
import sys

TOP = 25
# JIT-compiled (or interpreted) Java, grouped by these package prefixes in this order; others by their first two
# package components
JAVA_GROUPS = ["io.azlhsm.copytool", "io.azlhsm.testcluster", "io.azlhsm", "com.azure", "okhttp3", "okio",
               "reactor", "io.netty", "com.fasterxml", "jnr", "com.kenai.jffi", "jdk.internal", "java", "jdk", "sun"]
KERNEL_GROUPS = [  # (group, symbol prefixes), first match wins
    ("kernel: FUSE", ("fuse_", "__fuse", "fuse")),  # anywhere in the kernel call chain (group())
    ("kernel: network", ("tcp_", "__tcp", "ip_", "__ip", "inet", "sock", "__sock", "skb", "__skb", "net_", "__net",
                         "__dev_", "dev_", "loopback", "nf_", "udp", "__napi", "napi", "process_backlog")),  # also
    ("kernel: memory (copies, pages, allocation)", (
        "copy_", "_copy", "__copy", "rep_movs", "memcpy", "memset", "clear_page", "__memcpy", "__memset", "__pi_mem",
        "shmem", "page", "__page", "alloc_pages", "__alloc", "get_page", "filemap", "folio", "__folio", "next_uptodate",
        "release_pages", "free_", "__free", "handle_mm_fault", "do_anonymous", "__handle_mm", "do_user_addr_fault",
        "exc_page", "unmap_", "zap_", "gup_", "__get_user", "__put_user", "strncpy_from_user", "kmem_cache", "kmalloc",
        "__kmalloc", "kfree", "slab", "___slab", "__slab", "__memcg", "memcg", "__lruvec", "count_memcg", "mas_",
        "vma_", "do_wp_page", "__check_object_size", "__virt_addr_valid", "xas_", "mmap", "__mmap", "do_mmap",
        "munmap", "__vm_munmap", "tlb_", "flush_tlb", "lru_")),
    ("kernel: scheduler, locks, futex, idle", (
        "schedule", "__schedule", "futex", "__futex", "finish_task_switch", "try_to_wake_up", "pick_next", "enqueue",
        "dequeue", "update_", "native_", "_raw_spin", "raw_spin", "default_idle", "do_idle", "cpuidle",
        "pv_native_safe_halt", "__pv_queued", "__raw_callee_save", "__rcu_read", "rcu_", "__rseq", "rseq_",
        "smp_call_function", "wake_up", "__wake_up", "select_task", "set_next_task", "put_prev", "ttwu", "__ttwu",
        "hrtimer", "__hrtimer", "ep_poll", "do_epoll", "ep_", "__list_del_entry", "irq_", "__irq", "handle_softirqs",
        "__do_softirq", "do_softirq")),
    ("kernel: VFS, files", ("vfs_", "ksys_", "fdget", "__fdget", "fput", "__fput", "rw_verify_area", "security_file",
                            "read_null", "write_null", "new_sync_", "do_iter", "generic_file", "path_", "do_sys_open",
                            "do_filp_open", "link_path_walk", "filename_", "d_lookup", "__d_lookup", "dput", "lookup_",
                            "file_", "__close", "close_fd", "apparmor", "generic_perform", "shmem_file", "pipe_",
                            "splice",
                            "__x86_indirect_thunk", "inode_permission", "security_inode", "generic_permission",
                            "step_into", "simple_xattr", "__lookup_mnt", "find_get_block", "walk_component", "vfs",
                            "do_statx", "vfs_statx", "getname", "putname", "__x64_sys_", "x64_sys_call", "xattr",
                            "__vfs", "do_readlinkat", "fsnotify", "__fsnotify")),
    ("kernel: entry / exit", ("do_syscall_64", "entry_SYSCALL", "syscall_", "__x64_sys", "do_syscall", "irqentry",
                              "exit_to_user", "syscall_exit", "__entry", "entry_")),
]


def java_group(method):
    for prefix in JAVA_GROUPS:
        if method == prefix or method.startswith(prefix + "."):
            return "java: " + prefix + ".*"
    parts = method.split(".")
    return "java: " + ".".join(parts[:2]) + ".*" if len(parts) > 2 else "java: (other)"


def java_method(sym):
    """'void io.azlhsm.x.Foo.bar(int)' (a HotSpot perf map entry) -> 'io.azlhsm.x.Foo.bar'; None if not Java."""
    m = re.search(r"([\w$.<>]+)\(", sym)
    if not m or "." not in m.group(1) or sym.startswith(("Stub", "StubRoutines")):
        return None
    return m.group(1)


def thread_class(comm):
    """A thread name without its number, so that a pool's threads add up ('GC Thread#1' -> 'GC Thread#')."""
    return re.sub(r"[-_#]?\d+$", "", comm.strip()) or comm


def is_map(dso):
    return re.search(r"perf-\d+\.map$", dso) is not None or dso in ("[JIT]", "//anon")


def node_group(sym):
    if sym.startswith("Builtins_"):
        return "node: V8 builtins (inline caches, interpreter)"
    if re.search(r"Scaveng|Heap::|MarkCompact|Marking|Sweep|Evacuat|ConcurrentMark|GCTracer|MemoryAllocator", sym):
        return "node: V8 GC"
    if "v8::internal::compiler::" in sym or "maglev" in sym.lower() or "Turbofan" in sym:
        return "node: V8 optimising compiler"
    if re.match(r"(ossl_|OPENSSL|EVP_|MD5|SHA|sha|md5|CRYPTO|bn_|aesni)", sym):
        return "node: OpenSSL (hashes, crypto)"
    if sym.startswith(("uv_", "uv__", "node::")):
        return "node: node core, libuv"
    if sym.startswith("v8::"):
        return "node: V8 runtime"
    return "node: other"


def group(comm, dso, sym, go_tool, is_node, kernel_chain=()):
    base = dso.rsplit("/", 1)[-1]
    if dso == "[kernel.kallsyms]" or dso.startswith("[kernel") or base.endswith(".ko"):
        # by what the kernel was doing for the process: a copy or a wait under a FUSE read is FUSE's
        for g in ("kernel: FUSE", "kernel: network"):
            prefixes = dict(KERNEL_GROUPS)[g]
            if any(f.startswith(prefixes) for f in kernel_chain):
                return g
        name = sym
        for g, prefixes in KERNEL_GROUPS:
            if name.startswith(prefixes):
                return g
        return "kernel: other"
    if is_map(dso):
        if sym.startswith("[unknown]"):
            return "JIT code: unnamed (the perf map was gone)"
        method = java_method(sym)
        if method:
            return java_group(method)
        if sym.startswith("Interpreter"):
            return "JVM: interpreter"
        if sym.startswith("StubRoutines") and not is_node:
            # one blob in the perf map: the intrinsics (MD5, CRC32C, array copies, AES...) Java code calls
            return "JVM: StubRoutines (intrinsics: MD5, CRC32C, arraycopy)"
        if is_node:
            return "node: JS (JIT-compiled, baseline)" if sym.startswith(("JS:", "LazyCompile:", "Function:")) \
                else "node: V8 stubs, handlers, regexps"
        return "JIT code: stubs, adapters"
    if base == "libjvm.so":
        t = comm.strip()
        if sym.startswith(("Jfr", "JFR")) or t.startswith("JFR"):
            return "libjvm: JFR (the profiler's own cost)"
        if t.startswith(("GC Thread", "G1 ", "VM Thread", "GC ")) or "GC" in t:
            return "libjvm: GC / VM thread"
        if "CompilerThre" in t or t.startswith(("C1 ", "C2 ")):
            return "libjvm: JIT compiler"
        return "libjvm: runtime in other threads"
    if base.startswith(("libc.so", "libc-", "libpthread", "libm.so", "ld-linux")):
        return "libc"
    if go_tool and base == go_tool:
        m = re.match(r"((?:[\w.-]+/){0,3}[\w-]+)\.", sym)
        return "go: " + (m.group(1) if m else "[unknown]")
    if is_node and base == "node":
        return node_group(sym)
    if dso == "[unknown]" or not dso:
        return "[unknown]"
    return base


def perf_samples(path):
    """(comm, dso, sym, kernel callers) of every sample of a perf data file (FILE@PID: of that process only): the
    self frame, and the kernel frames under it when it is in the kernel (to tell FUSE and network work apart)."""
    path, _, pid = path.partition("@")
    placed = place_map(path, pid)
    proc = subprocess.Popen(["perf", "script", "-i", path, "-F", "comm,tid,ip,sym,dso"]
                            + (["--pid", pid] if pid else []),
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, errors="replace")
    head_re = re.compile(r"^(\S.*?)\s+(\d+)\s*$")
    frame_re = re.compile(r"^\s+([0-9a-f]+)\s+(.*?)\s*\(([^()]*)\)\s*$")
    comm, frames = None, []
    for line in proc.stdout:
        line = line.rstrip("\n")
        if not line.strip():
            if comm is not None and frames:
                yield sample(comm, frames)
            comm, frames = None, []
            continue
        m = frame_re.match(line)
        if m and comm is not None:
            frames.append((m.group(2) or "[unknown]", m.group(3)))
            continue
        m = head_re.match(line)
        if m:
            comm, frames = m.group(1), []
    if comm is not None and frames:
        yield sample(comm, frames)
    proc.wait()
    if placed:
        os.remove(placed)


def place_map(path, pid):
    """Once the process is gone, perf finds its JIT symbols only if its map is back in /tmp: the bench keeps a copy
    of each window's map beside the data (NAME-PROC.perf-PID.map), put back for the reading. Returns what it put."""
    target = f"/tmp/perf-{pid}.map"
    if not pid or os.path.exists(target):
        return None
    copies = sorted(glob.glob(os.path.join(glob.escape(os.path.dirname(path) or "."), f"*.perf-{pid}.map")))
    own = [c for c in copies if os.path.basename(c).startswith(os.path.basename(path)[: -len(".perf.data")] + "-")]
    if not copies:
        return None
    shutil.copyfile((own or copies)[-1], target)
    return target


def sample(comm, frames):
    """comm, self dso, self symbol, the kernel frames, and the Java methods (JIT-compiled) of the call chain"""
    return (comm, frames[0][1], frames[0][0], [f[0] for f in frames if f[1] == "[kernel.kallsyms]"],
            [m for m in (java_method(f[0]) for f in frames if is_map(f[1])) if m])


# the JDK, and the native-call glue (jnr-ffi, jffi) through which the Lustre API shim and FUSE I/O are called: their
# CPU is charged to the Java code calling them
JDK = ("java.", "jdk.", "sun.", "javax.", "com.sun.", "jnr.", "com.kenai.jffi.")


def component(java_frames, fallback):
    """Who a sample's CPU was spent for: the innermost Java frame outside the JDK (so the JDK code, native code and
    system calls a library or our code calls are charged to it); samples with none keep their group."""
    for m in java_frames:
        if not m.startswith(JDK):
            return java_group(m)
    return (java_group(java_frames[0]) + " (called from the JDK only)") if java_frames else fallback


def jfr_samples(path):
    """(kind, thread, top frame method, stack methods) of every JFR execution / native method sample."""
    out = subprocess.run(["jfr", "print", "--events", "jdk.ExecutionSample,jdk.NativeMethodSample", path],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, errors="replace").stdout
    kind = thread = None
    frames = None
    for line in out.splitlines():
        s = line.strip()
        if s.startswith("jdk.ExecutionSample"):
            kind, thread, frames = "java", "?", None
        elif s.startswith("jdk.NativeMethodSample"):
            kind, thread, frames = "native", "?", None
        elif s.startswith(("sampledThread =", "sampledThread=")):
            m = re.search(r'"(.*)"', s)
            thread = m.group(1) if m else "?"
        elif s.startswith("stackTrace = ["):
            frames = []
        elif frames is not None and s == "]":
            if kind:
                methods = [re.sub(r"\(.*$", "", f) for f in frames if f != "..."]
                yield kind, thread, methods[0] if methods else "[no frames]", methods
            frames = None
            kind = None
        elif frames is not None:
            frames.append(s)


def pct(n, total):
    return 100.0 * n / total if total else 0.0


def ranked(counter, total, limit=TOP, width=60):
    lines = []
    for key, n in counter.most_common(limit):
        label = key if isinstance(key, str) else "  ".join(key)
        if len(label) > width * 2:
            label = label[: width * 2 - 3] + "..."
        lines.append(f"  {pct(n, total):6.2f}%  {n:>7}  {label}")
    return lines


def headline(groups, total, n=7):
    return ", ".join(f"{pct(c, total):.0f}% {g}" for g, c in groups.most_common(n) if pct(c, total) >= 0.5)


def summarise_perf(proc, path, hz, wall):
    groups, comm_dso, syms, threads = (collections.Counter() for _ in range(4))
    total = 0
    go_tool = {"azcopy": "azcopy_linux_amd64", "rclone": "rclone"}.get(proc)
    components = collections.Counter()
    for comm, dso, sym, kernel_chain, java_frames in perf_samples(path):
        total += 1
        base = dso.rsplit("/", 1)[-1]
        g = group(comm, dso, sym, go_tool, proc == "azurite", kernel_chain)
        groups[g] += 1
        components[component(java_frames, g)] += 1
        comm_dso[(comm.strip(), base)] += 1
        syms[f"{sym}  " + (base if base.startswith("[") else f"[{base}]")] += 1
        threads[thread_class(comm)] += 1
    cpu = total / hz
    head = (f"{proc} (perf, {total} samples at {hz} Hz = {cpu:.2f} s CPU"
            + (f", {cpu / wall:.2f} cores over {wall:.2f} s" if wall > 0 else "") + ")")
    text = [head, "", " grouped:"] + ranked(groups, total)
    if any(g.startswith("java: ") for g in components):
        text += ["", " by component (inclusive: the JDK code, native code and kernel work a component's Java code"
                 " calls are charged to it, through the call chains):"] + ranked(components, total)
    text += ["", " by comm,dso (perf report --no-children --sort comm,dso):"] + ranked(comm_dso, total)
    text += ["", " by symbol (perf report --no-children --sort sym):"] + ranked(syms, total)
    text += ["", " by thread (numbers stripped: a pool adds up):"] + ranked(threads, total, 15)
    top = headline(groups, total) if total else "no samples"
    if any(g.startswith("java: ") for g in components):
        top += "\n" + " " * 52 + "by component: " + headline(components, total, 5)
    return head, top, text


def summarise_jfr(proc, path):
    groups, methods, threads = (collections.Counter() for _ in range(3))
    ours_anywhere = 0
    total = native = 0
    for kind, thread, top, stack in jfr_samples(path):
        if kind == "native":
            native += 1
            threads[thread_class(thread) + " (in native)"] += 1
            continue
        total += 1
        groups[java_group(top)] += 1
        methods[top] += 1
        threads[thread_class(thread)] += 1
        if any(m.startswith("io.azlhsm.") for m in stack):
            ours_anywhere += 1
    head = f"{proc} (JFR, {total} Java execution samples, {native} native method samples)"
    text = [head, "", " Java code running, by the top frame's package (self):"] + ranked(groups, total)
    text += [f"  samples with an io.azlhsm frame anywhere in the stack (inclusive): {pct(ours_anywhere, total):.1f}%"]
    text += ["", " top methods (self):"] + ranked(methods, total)
    text += ["", " by thread (numbers stripped; native method samples apart):"] + ranked(threads, total + native, 15)
    return head, headline(groups, total) if total else "no Java samples", text


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--summary", required=True)
    ap.add_argument("--window", required=True)
    ap.add_argument("--wall", type=float, default=0.0)
    ap.add_argument("--hz", type=int, default=499)
    ap.add_argument("recordings", nargs="*")
    a = ap.parse_args()
    if len(a.recordings) % 3:
        sys.exit("cpu_profile.py: recordings come as PROC KIND FILE triples")
    text = [f"=== {a.window} (wall {a.wall:.2f} s)", ""]
    summary = []
    for i in range(0, len(a.recordings), 3):
        proc, kind, path = a.recordings[i:i + 3]
        if kind == "perf":
            head, top, lines = summarise_perf(proc, path, a.hz, a.wall)
        else:
            head, top, lines = summarise_jfr(proc, path)
        text += lines + ["", f"  (data: {path})", "", ""]
        summary.append(f"{a.window:<34} {proc + ' ' + kind:<16} {top}")
        summary.append(f"{'':<34} {'':<16} [{head.split('(', 1)[1].rstrip(')')}]")
    with open(a.out, "a") as f:
        f.write("\n".join(text) + "\n")
    with open(a.summary, "a") as f:
        f.write("\n".join(summary) + "\n")


if __name__ == "__main__":
    main()
