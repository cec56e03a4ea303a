package io.azlhsm.testcluster.fuse;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.Struct;
import jnr.ffi.byref.IntByReference;
import jnr.ffi.byref.PointerByReference;
import jnr.ffi.types.size_t;
import ru.serce.jnrfuse.struct.FuseOperations;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * libfuse's multi-threaded request loop, run on Java threads. jnr-fuse mounts with fuse_main_real, whose loop
 * (fuse_loop_mt) serves requests on native threads it creates and lets go again whenever more than ten are idle; jffi
 * attaches such a thread to the JVM for each callback and detaches it afterwards (until that thread has made 1,000
 * calls), which cost the simulator more CPU than the requests themselves: tens of thread attaches per HSM action.
 * Here every worker is a Java thread, attached once: it takes a request from the session and processes it, as
 * fuse_loop_mt's workers do (fuse_do_work), and another worker is started whenever none is left waiting, so a
 * request that blocks (a read waiting for an implicit restore) never keeps the next one from being served.
 */
final class FuseSessionLoop {
    private static final Logger LOG = Logger.getLogger(FuseSessionLoop.class.getName());
    /** Idle workers beyond this many end (fuse_loop_mt keeps ten; a Java thread costs more to start than to keep). */
    private static final int MAX_IDLE = 32;
    private static final int EINTR = 4;
    /** struct fuse_buf (fuse_common.h, libfuse 2.9): size_t size, enum flags, void *mem, int fd, off_t pos. */
    private static final int FUSE_BUF_SIZE = 40;
    private static final int FUSE_BUF_MEM = 16;
    private static final int FUSE_BUF_FLAGS = 8;
    /** fuse_buf_flags FUSE_BUF_IS_FD: the request is in a pipe (splice), not in mem. */
    private static final int FUSE_BUF_IS_FD = 1 << 1;
    /** struct fuse_in_header (fuse_kernel.h): uint32_t len, uint32_t opcode, ... */
    private static final int IN_HEADER_OPCODE = 4;

    /** The libfuse 2 calls the loop is made of. */
    public interface LibFuse {
        Pointer fuse_setup(int argc, String[] argv, FuseOperations op, @size_t long opSize,
                           PointerByReference mountpoint, IntByReference multithreaded, Pointer userData);

        Pointer fuse_get_session(Pointer fuse);

        Pointer fuse_session_next_chan(Pointer session, Pointer channel);

        @size_t long fuse_chan_bufsize(Pointer channel);

        int fuse_session_receive_buf(Pointer session, Pointer buf, PointerByReference channel);

        void fuse_session_process_buf(Pointer session, Pointer buf, Pointer channel);

        void fuse_session_exit(Pointer session);

        void fuse_teardown(Pointer fuse, Pointer mountpoint);
    }

    // the same libfuse.so.2 jnr-fuse loaded (dlopen returns the loaded library)
    private static final LibFuse LIBFUSE = LibraryLoader.create(LibFuse.class).load("libfuse.so.2");

    private final Pointer fuse;
    private final Pointer mountpoint;
    private final Pointer session;
    /** The session's channel: fuse_session_receive_buf reads from the one it is given (fuse_loop_mt's prevch). */
    private final Pointer channel;
    private final long bufferSize;
    private final String name;
    private final AtomicInteger idle = new AtomicInteger();
    private final Set<Thread> workers = ConcurrentHashMap.newKeySet();
    private final FuseRequestCounts counts;

    private FuseSessionLoop(Pointer fuse, Pointer mountpoint, String name, FuseRequestCounts counts) {
        this.fuse = fuse;
        this.counts = counts;
        this.mountpoint = mountpoint;
        this.name = name;
        this.session = LIBFUSE.fuse_get_session(fuse);
        this.channel = LIBFUSE.fuse_session_next_chan(session, null);
        this.bufferSize = LIBFUSE.fuse_chan_bufsize(channel);
    }

    /**
     * Mounts (fuse_setup: the options parsed, the file system mounted, its handlers installed) and serves it until it
     * is unmounted, then tears it down (fuse_teardown), as fuse_main_real does with its own loop.
     */
    static void mount(FuseOperations operations, Path mountPoint, String[] args, FuseRequestCounts counts) {
        PointerByReference mp = new PointerByReference();
        IntByReference multithreaded = new IntByReference();
        Pointer fuse = LIBFUSE.fuse_setup(args.length, args, operations, Struct.size(operations), mp, multithreaded,
                null);
        if (fuse == null) {
            throw new IllegalStateException("libfuse could not mount " + mountPoint + " (fuse_setup failed)");
        }
        FuseSessionLoop loop = new FuseSessionLoop(fuse, mp.getValue(), "fuse-" + mountPoint.getFileName(),
                counts);
        Thread first = new Thread(loop::serveThenTearDown, loop.name + "-worker");
        first.setDaemon(true);
        loop.workers.add(first);
        first.start();
    }

    /** The first worker: serves, and once the session has ended waits for the others and tears the mount down. */
    private void serveThenTearDown() {
        serve(false);
        for (Thread t : workers) {
            while (t != Thread.currentThread() && t.isAlive()) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    // the teardown must wait for every worker: libfuse frees what they use
                }
            }
        }
        LIBFUSE.fuse_teardown(fuse, mountpoint);
    }

    private void startWorker() {
        Thread t = new Thread(() -> serve(true), name + "-worker");
        t.setDaemon(true);
        workers.add(t);
        t.start();
    }

    /**
     * fuse_do_work: receive a request, start a worker if none is left waiting, process it; until the session ends, or
     * (mayRetire) until enough others wait.
     */
    private void serve(boolean mayRetire) {
        Runtime runtime = Runtime.getRuntime(LIBFUSE);
        Pointer buf = runtime.getMemoryManager().allocateDirect(FUSE_BUF_SIZE, true);
        Pointer mem = runtime.getMemoryManager().allocateDirect(bufferSize);
        idle.incrementAndGet();
        try {
            while (true) {
                buf.setMemory(0, FUSE_BUF_SIZE, (byte) 0);
                buf.putLong(0, bufferSize);
                buf.putPointer(FUSE_BUF_MEM, mem);
                PointerByReference from = new PointerByReference(channel);
                int res = LIBFUSE.fuse_session_receive_buf(session, buf, from);
                if (res == -EINTR) {
                    continue;
                }
                if (res <= 0) {
                    if (res < 0) {
                        LOG.warning(name + ": receiving a request failed, errno " + -res);
                        LIBFUSE.fuse_session_exit(session);
                    }
                    break; // unmounted: the session has ended
                }
                if (idle.decrementAndGet() == 0) {
                    startWorker(); // none left waiting: this request may block (an implicit restore)
                }
                // the opcode before processing: a request that blocks (an implicit restore) is counted already
                counts.served((buf.getInt(FUSE_BUF_FLAGS) & FUSE_BUF_IS_FD) == 0 ? mem.getInt(IN_HEADER_OPCODE) : 0);
                LIBFUSE.fuse_session_process_buf(session, buf, from.getValue());
                if (mayRetire && idle.get() >= MAX_IDLE) {
                    return;
                }
                idle.incrementAndGet();
            }
            idle.decrementAndGet();
        } finally {
            if (mayRetire) {
                workers.remove(Thread.currentThread());
            }
            keepAlive(buf, mem);
        }
    }

    /** The buffers stay reachable until libfuse is done with them. */
    private static void keepAlive(Pointer... pointers) {
        java.lang.ref.Reference.reachabilityFence(pointers);
    }
}
