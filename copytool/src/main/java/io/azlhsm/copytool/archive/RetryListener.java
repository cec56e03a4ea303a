package io.azlhsm.copytool.archive;

/**
 * Told about every attempt a backend's client library repeats on its own (after a timeout, a reset connection, a 5xx
 * or a throttling answer), which the backend's caller would otherwise never see: the request just takes longer.
 */
@FunctionalInterface
public interface RetryListener {
    RetryListener NONE = requestKind -> { };

    /** @param requestKind the request repeated, named like the blob request metrics (put_block, get_blob_range...) */
    void retried(String requestKind);
}
