package io.azlhsm.testcluster.coordinator;

import io.azlhsm.testcluster.Errno;
import io.azlhsm.testcluster.SimulatorException;

import java.util.logging.Logger;

/**
 * The simulated MDS's {@code fail_loc} and {@code fail_val} (libcfs' fault injection, {@code lctl set_param
 * fail_loc=0x164 fail_val=5} on the MDS), for the fail points of Lustre's code that sanity-hsm uses and that the
 * simulator has at the same place. A fail point matches when {@code fail_loc}'s low 16 bits equal its id
 * (libcfs_fail.h:47-49, 68-72 {@code CFS_FAIL_PRECHECK}); with {@code CFS_FAIL_ONCE} (0x80000000) it fires once, and
 * {@code CFS_FAILED} (0x40000000) is set in {@code fail_loc} at the first hit (fail.c:42-46, 84-91).
 */
public final class FailPoints {
    /** mdt_hsm_register_hal sleeps fail_val seconds before recording each item (obd_support.h:226). */
    public static final int OBD_FAIL_MDS_HSM_CDT_DELAY = 0x164;

    private static final Logger LOG = Logger.getLogger(FailPoints.class.getName());
    private static final int MASK_LOC = 0x0000FFFF;
    private static final int FAILED = 0x40000000;
    private static final int ONCE = 0x80000000;

    private int failLoc;
    private int failVal;

    public synchronized String get(String name) {
        return Integer.toString(name.equals("fail_loc") ? failLoc : failVal);
    }

    /** Sets fail_loc or fail_val (decimal or 0x hex, as the kernel's proc_dointvec takes them); wakes a sleeper. */
    public synchronized void set(String name, String value) throws SimulatorException {
        int v;
        try {
            v = (int) Long.decode(value.trim()).longValue();
        } catch (NumberFormatException e) {
            throw new SimulatorException(Errno.EINVAL, name + ": not a number: " + value);
        }
        if (name.equals("fail_loc")) {
            failLoc = v;
        } else {
            failVal = v;
        }
        notifyAll();
    }

    /**
     * {@code CFS_FAIL_TIMEOUT(id, fail_val)}: if the fail point is armed, the calling thread sleeps fail_val seconds,
     * ending early when fail_loc is cleared (fail.c:114-141 {@code __cfs_fail_timeout_set}: "cfs_fail_timeout
     * interrupted"), and logs the kernel's messages. The caller must hold no lock another request needs, as the MDT
     * thread sleeping there holds none (only a reference on the coordinator).
     *
     * @return whether the fail point fired
     */
    public boolean timeout(int id) {
        long deadline;
        synchronized (this) {
            if (failLoc == 0 || (failLoc & MASK_LOC) != (id & MASK_LOC)) {
                return false;
            }
            if ((failLoc & (FAILED | ONCE)) == (FAILED | ONCE)) {
                return false;
            }
            failLoc |= FAILED;
            long ms = failVal * 1000L;
            if (ms <= 0) {
                return true;
            }
            LOG.warning(String.format("cfs_fail_timeout id %x sleeping for %dms", id, ms));
            deadline = System.nanoTime() + ms * 1_000_000L;
            // The kernel sleeps TASK_UNINTERRUPTIBLE (fail.c __cfs_fail_timeout_set): only the deadline or a cleared
            // fail_loc ends it. An interrupt of this thread (at the daemon's shutdown the FUSE thread a read sleeps
            // on is interrupted) must not end it either, or an MDS stop would not wait for the request it holds.
            boolean interrupted = false;
            try {
                while (true) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    try {
                        wait(Math.max(1, Math.min(100, left / 1_000_000L)));
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                    if (failLoc == 0) {
                        LOG.warning("cfs_fail_timeout interrupted");
                        return true;
                    }
                }
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            LOG.warning(String.format("cfs_fail_timeout id %x awake", id));
        }
        return true;
    }
}
