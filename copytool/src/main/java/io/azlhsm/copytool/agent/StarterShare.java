package io.azlhsm.copytool.agent;

/**
 * How many starter threads may be busy with actions other than restores: all but one, when there are two or more.
 * A starter moves a small file on its own thread from begin to end (the pipeline's inline lane), so without this a
 * stream of small archives could keep every starter busy and a restore, first in line, would still wait for one of
 * them to finish; with it, one starter is always free for a restore or about to be. (The slot a begun action holds is
 * kept for restores in the same way by {@link ActionSlots}.)
 *
 * <p>A starter {@link #claim}s itself for the action it took from the queue and says when it is {@link #done} with it:
 * when the action is running on the pipeline, ended, or set aside.
 */
final class StarterShare {
    private final int starters;
    private int busyWithOthers;

    StarterShare(int starters) {
        if (starters < 1) {
            throw new IllegalArgumentException("at least one starter is needed: " + starters);
        }
        this.starters = starters;
    }

    /** Whether the calling starter may take an action of this kind now: always a restore; another while one is left. */
    synchronized boolean claim(boolean restore) {
        if (restore) {
            return true;
        }
        if (starters > 1 && busyWithOthers >= starters - 1) {
            return false;
        }
        busyWithOthers++;
        return true;
    }

    /** The starter is done with the action it {@linkplain #claim claimed} itself for. */
    synchronized void done(boolean restore) {
        if (!restore) {
            busyWithOthers--;
        }
    }

    /** Starters busy with actions other than restores now. */
    synchronized int busyWithOthers() {
        return busyWithOthers;
    }
}
