package io.azlhsm.copytool.agent;

import io.azlhsm.copytool.lustre.HsmActionItem;
import io.azlhsm.copytool.lustre.HsmCopytoolAction;

/**
 * An action received from the coordinator and not started yet. Orders restores before everything else, then by
 * arrival, so a user waiting on a restore never queues behind a batch of archives.
 *
 * @param item      the action item (its raw bytes are kept: the receive buffer is reused)
 * @param archiveId the archive id of the list it came in
 * @param arrival   monotonically increasing arrival number
 * @param handedOver an ARCHIVE that waited for an earlier ARCHIVE of the same FID and now holds that FID's slot
 * @param receivedNanos {@link System#nanoTime} when the agent received it (the queue wait metric)
 */
record PendingAction(HsmActionItem item, int archiveId, long arrival, boolean handedOver, long receivedNanos)
        implements Comparable<PendingAction> {
    PendingAction handOver() {
        return new PendingAction(item, archiveId, arrival, true, receivedNanos);
    }

    @Override
    public int compareTo(PendingAction other) {
        int byPriority = Integer.compare(rank(), other.rank());
        return byPriority != 0 ? byPriority : Long.compare(arrival, other.arrival);
    }

    private int rank() {
        return item.action() == HsmCopytoolAction.RESTORE ? 0 : 1;
    }
}
