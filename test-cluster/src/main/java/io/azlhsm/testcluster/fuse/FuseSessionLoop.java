package io.azlhsm.testcluster.fuse;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.Struct;
import jnr.ffi.annotations.Delegate;
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
 *
 * <p>Every reply passes through {@link #send} (the session channel's send operation, replaced), which gives the two
 * virtual directories whose entries and attributes never change ({@link ConstantDirectories}) a long validity, the
 * entries of {@code .lustre/fid} too (a FID never names another object), and the root's attributes: before the
 * reply to any request that may change something is written, the mount's {@link RootCoherence} check runs, which
 * tells every mount's kernel to forget the root's attributes when they changed ({@link #invalidateRoot}).
 */
final class FuseSessionLoop {
    private static final Logger LOG = Logger.getLogger(FuseSessionLoop.class.getName());
    /** Idle workers beyond this many end (fuse_loop_mt keeps ten; a Java thread costs more to start than to keep). */
    private static final int MAX_IDLE = 32;
    private static final int EINTR = 4;
    private static final int ENOENT = 2;
    /** struct fuse_buf (fuse_common.h, libfuse 2.9): size_t size, enum flags, void *mem, int fd, off_t pos. */
    private static final int FUSE_BUF_SIZE = 40;
    private static final int FUSE_BUF_MEM = 16;
    private static final int FUSE_BUF_FLAGS = 8;
    /** fuse_buf_flags FUSE_BUF_IS_FD: the request is in a pipe (splice), not in mem. */
    private static final int FUSE_BUF_IS_FD = 1 << 1;
    /** struct fuse_in_header (fuse_kernel.h): uint32_t len, uint32_t opcode, uint64_t unique, uint64_t nodeid, ... */
    private static final int IN_HEADER_OPCODE = 4;
    private static final int IN_HEADER_UNIQUE = 8;
    private static final int IN_HEADER_NODEID = 16;
    private static final int IN_HEADER_SIZE = 40;
    private static final int FUSE_LOOKUP = 1;
    private static final int FUSE_FORGET = 2;
    private static final int FUSE_GETATTR = 3;
    private static final int FUSE_BATCH_FORGET = 42;
    private static final long FUSE_ROOT_ID = 1;
    /**
     * Requests that change nothing a kernel keeps about the root: no check before their reply. Any other request
     * (SETATTR, MKDIR, CREATE, UNLINK, RENAME, LINK, SYMLINK, SETXATTR, READDIR (atime), RELEASE (libfuse removes a
     * hidden file there), ...) is checked.
     */
    private static final boolean[] UNCHANGING = new boolean[64];

    static {
        // LOOKUP, GETATTR, OPEN, READ, WRITE (a file's data), STATFS, FSYNC, GETXATTR, LISTXATTR, FLUSH, OPENDIR,
        // RELEASEDIR, ACCESS, IOCTL (the data version is the only one answered, and it only reads)
        for (int op : new int[] {1, 3, 14, 15, 16, 17, 20, 22, 23, 25, 27, 29, 34, 39}) {
            UNCHANGING[op] = true;
        }
    }
    /** struct fuse_out_header: uint32_t len, int32_t error, uint64_t unique. */
    private static final int OUT_HEADER_ERROR = 4;
    private static final int OUT_HEADER_UNIQUE = 8;
    /** struct fuse_entry_out: uint64_t nodeid, generation, entry_valid, attr_valid; then the nsec parts, the attr. */
    private static final int ENTRY_OUT_NODEID = 0;
    private static final int ENTRY_OUT_ENTRY_VALID = 16;
    private static final int ENTRY_OUT_ATTR_VALID = 24;
    private static final int ENTRY_OUT_ENTRY_VALID_NSEC = 32;
    private static final int ENTRY_OUT_ATTR_VALID_NSEC = 36;
    /** struct fuse_attr_out: uint64_t attr_valid, uint32_t attr_valid_nsec, ... */
    private static final int ATTR_OUT_VALID = 0;
    private static final int ATTR_OUT_VALID_NSEC = 8;
    /** struct iovec: void *iov_base, size_t iov_len. */
    private static final int IOVEC_SIZE = 16;
    /**
     * libfuse 2.9's struct fuse_chan (fuse_session.c, private): struct fuse_chan_ops op (receive, send, destroy), then
     * struct fuse_session *se, int fd. Checked against fuse_chan_session and fuse_chan_fd before send is replaced.
     */
    private static final int CHAN_SEND = 8;
    private static final int CHAN_SESSION = 24;
    private static final int CHAN_FD = 32;

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

        int fuse_chan_fd(Pointer channel);

        Pointer fuse_chan_session(Pointer channel);

        int fuse_session_exited(Pointer session);

        int fuse_lowlevel_notify_inval_inode(Pointer channel, long ino, long off, long len);
    }

    /** The channel's send operation, as libfuse's struct fuse_chan_ops declares it (fuse_lowlevel.h). */
    public interface SendOperation {
        @Delegate
        int send(Pointer channel, Pointer iov, @size_t long count);
    }

    /** writev(2), what libfuse's own send operation (fuse_kern_chan_send) is. */
    public interface LibC {
        long writev(int fd, Pointer iov, int count);
    }

    private static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");

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
    private final ConstantDirectories constants;
    private final int fd;
    /** The replacement send operation; referenced here so that its native closure lives as long as the mount. */
    private final SendOperation sender = this::send;
    /** Run before the reply to a request that may change something is written ({@link RootCoherence#check}). */
    private final Runnable beforeChangingReply;
    /** Whether send is this loop's: only then may the root's attributes be kept (it is what invalidates them). */
    private boolean sendReplaced;
    /** The session is gone: no more notifications (guarded by this). */
    private boolean tornDown;

    private FuseSessionLoop(Pointer fuse, Pointer mountpoint, String name, FuseRequestCounts counts,
                            ConstantDirectories constants, Runnable beforeChangingReply) {
        this.fuse = fuse;
        this.beforeChangingReply = beforeChangingReply;
        this.counts = counts;
        this.constants = constants;
        this.mountpoint = mountpoint;
        this.name = name;
        this.session = LIBFUSE.fuse_get_session(fuse);
        this.channel = LIBFUSE.fuse_session_next_chan(session, null);
        this.bufferSize = LIBFUSE.fuse_chan_bufsize(channel);
        this.fd = LIBFUSE.fuse_chan_fd(channel);
        replaceSend();
    }

    /**
     * Makes {@link #send} the channel's send operation, after checking that the channel is laid out as libfuse 2.9
     * lays it out; otherwise libfuse's own stays and nothing is given a longer validity (slower, never wrong).
     */
    private void replaceSend() {
        Pointer se = channel.getPointer(CHAN_SESSION);
        if (se == null || se.address() != session.address() || channel.getInt(CHAN_FD) != fd
                || LIBFUSE.fuse_chan_session(channel).address() != session.address()) {
            LOG.warning(name + ": libfuse's channel is not laid out as libfuse 2.9's: replies are sent unchanged");
            return;
        }
        Pointer closure = Runtime.getRuntime(LIBFUSE).getClosureManager().getClosurePointer(SendOperation.class,
                sender);
        channel.putPointer(CHAN_SEND, closure);
        sendReplaced = true;
    }

    /**
     * Tells the kernel to forget the root's attributes (FUSE_NOTIFY_INVAL_INODE of node 1, attributes only: no page
     * lock or inode lock taken, so safe while the kernel waits on any request); ENOENT when it holds none.
     */
    synchronized void invalidateRoot() {
        if (!tornDown) {
            LIBFUSE.fuse_lowlevel_notify_inval_inode(channel, FUSE_ROOT_ID, -1, 0);
        }
    }

    /**
     * Sends a reply as libfuse's fuse_kern_chan_send does (one writev on the device; ENOENT, an interrupted request,
     * is not reported), after {@link #adjustValidity}.
     */
    private int send(Pointer ch, Pointer iov, long count) {
        if (iov == null) {
            return 0;
        }
        if (Thread.currentThread() instanceof Worker w && w.opcode != 0) {
            Pointer header = iov.getPointer(0);
            if (header.getLong(OUT_HEADER_UNIQUE) == w.unique) { // the reply (not a notification sent meanwhile)
                if (w.opcode >= UNCHANGING.length || !UNCHANGING[w.opcode]) {
                    beforeChangingReply.run();
                }
                if (count >= 2 && header.getInt(OUT_HEADER_ERROR) == 0) {
                    adjustValidity(w, iov);
                }
            }
        }
        long res = LIBC.writev(fd, iov, (int) count);
        if (res == -1) {
            int err = Runtime.getRuntime(LIBC).getLastError();
            if (err != ENOENT && LIBFUSE.fuse_session_exited(session) == 0) {
                LOG.warning(name + ": fuse: writing device: errno " + err);
            }
            return -err;
        }
        return 0;
    }

    /**
     * The reply to the request worker w processes, about .lustre or .lustre/fid: valid for
     * {@link ConstantDirectories#VALID_SECONDS} instead of the mount's zero timeouts. A LOOKUP of ".lustre" in the root
     * or of "fid" in .lustre makes its node one of them; the entry (not the attributes) of a LOOKUP in .lustre/fid
     * gets that validity too.
     */
    private void adjustValidity(Worker w, Pointer iov) {
        Pointer out = iov.getPointer(IOVEC_SIZE);
        if (w.opcode == FUSE_LOOKUP) {
            ConstantDirectories.Kind kind;
            if (w.nodeid == FUSE_ROOT_ID && nameIs(w.request, DOT_LUSTRE)) {
                kind = ConstantDirectories.Kind.DOT_LUSTRE;
            } else if (constants.is(w.nodeid, ConstantDirectories.Kind.DOT_LUSTRE) && nameIs(w.request, FID)) {
                kind = ConstantDirectories.Kind.FID;
            } else if (constants.is(w.nodeid, ConstantDirectories.Kind.FID)) {
                // <FID> in .lustre/fid: a FID names one object for ever (none is handed out twice), so the entry the
                // kernel keeps is exact; its attributes stay unkept (every use asks for them, and an object gone
                // or out of reach answers ENOENT or ESHUTDOWN then). Each action and each job's poll of a file
                // named it again, a LOOKUP each.
                out.putLong(ENTRY_OUT_ENTRY_VALID, ConstantDirectories.VALID_SECONDS);
                out.putInt(ENTRY_OUT_ENTRY_VALID_NSEC, 0);
                return;
            } else {
                return;
            }
            constants.record(out.getLong(ENTRY_OUT_NODEID), kind);
            out.putLong(ENTRY_OUT_ENTRY_VALID, ConstantDirectories.VALID_SECONDS);
            out.putInt(ENTRY_OUT_ENTRY_VALID_NSEC, 0);
            out.putLong(ENTRY_OUT_ATTR_VALID, ConstantDirectories.VALID_SECONDS);
            out.putInt(ENTRY_OUT_ATTR_VALID_NSEC, 0);
        } else if (w.opcode == FUSE_GETATTR && (constants.contains(w.nodeid)
                || w.nodeid == FUSE_ROOT_ID && sendReplaced)) {
            out.putLong(ATTR_OUT_VALID, ConstantDirectories.VALID_SECONDS);
            out.putInt(ATTR_OUT_VALID_NSEC, 0);
        }
    }

    private static final byte[] DOT_LUSTRE = ".lustre".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] FID = "fid".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** Whether the request's name (a LOOKUP's body: the NUL-terminated name after the header) is name. */
    private static boolean nameIs(Pointer request, byte[] name) {
        for (int i = 0; i < name.length; i++) {
            if (request.getByte(IN_HEADER_SIZE + i) != name[i]) {
                return false;
            }
        }
        return request.getByte(IN_HEADER_SIZE + name.length) == 0;
    }

    /**
     * Mounts (fuse_setup: the options parsed, the file system mounted, its handlers installed) and serves it until it
     * is unmounted, then tears it down (fuse_teardown), as fuse_main_real does with its own loop.
     */
    static FuseSessionLoop mount(FuseOperations operations, Path mountPoint, String[] args, FuseRequestCounts counts,
                                 ConstantDirectories constants, Runnable beforeChangingReply) {
        PointerByReference mp = new PointerByReference();
        IntByReference multithreaded = new IntByReference();
        Pointer fuse = LIBFUSE.fuse_setup(args.length, args, operations, Struct.size(operations), mp, multithreaded,
                null);
        if (fuse == null) {
            throw new IllegalStateException("libfuse could not mount " + mountPoint + " (fuse_setup failed)");
        }
        FuseSessionLoop loop = new FuseSessionLoop(fuse, mp.getValue(), "fuse-" + mountPoint.getFileName(),
                counts, constants, beforeChangingReply);
        Thread first = new Worker(loop::serveThenTearDown, loop.name + "-worker");
        first.setDaemon(true);
        loop.workers.add(first);
        first.start();
        return loop;
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
        synchronized (this) {
            tornDown = true;
            LIBFUSE.fuse_teardown(fuse, mountpoint);
        }
    }

    private void startWorker() {
        Thread t = new Worker(() -> serve(true), name + "-worker");
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
        Worker self = (Worker) Thread.currentThread();
        self.request = mem;
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
                int opcode = (buf.getInt(FUSE_BUF_FLAGS) & FUSE_BUF_IS_FD) == 0 ? mem.getInt(IN_HEADER_OPCODE) : 0;
                // the opcode before processing: a request that blocks (an implicit restore) is counted already
                counts.served(opcode);
                long nodeid = opcode == 0 ? 0 : mem.getLong(IN_HEADER_NODEID);
                if (opcode == FUSE_FORGET) {
                    constants.forget(nodeid);
                } else if (opcode == FUSE_BATCH_FORGET) {
                    forgetBatch(mem);
                }
                self.opcode = opcode;
                self.nodeid = nodeid;
                self.unique = opcode == 0 ? 0 : mem.getLong(IN_HEADER_UNIQUE);
                LIBFUSE.fuse_session_process_buf(session, buf, from.getValue());
                self.opcode = 0;
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

    /** struct fuse_batch_forget_in: uint32_t count, uint32_t dummy, then count x {uint64_t nodeid, nlookup}. */
    private void forgetBatch(Pointer mem) {
        int count = mem.getInt(IN_HEADER_SIZE);
        for (int i = 0; i < count; i++) {
            constants.forget(mem.getLong(IN_HEADER_SIZE + 8 + 16L * i));
        }
    }

    /** A worker thread, knowing the request it processes (read by {@link #send} on the same thread). */
    private static final class Worker extends Thread {
        Pointer request;
        int opcode;
        long nodeid;
        long unique;

        Worker(Runnable task, String name) {
            super(task, name);
        }
    }

    /** The buffers stay reachable until libfuse is done with them. */
    private static void keepAlive(Pointer... pointers) {
        java.lang.ref.Reference.reachabilityFence(pointers);
    }
}
