package io.azlhsm.copytool.jobs.check;

import io.azlhsm.copytool.archive.ArchiveBackend;
import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.archive.StoredObject;
import io.azlhsm.copytool.archive.ObjectListing;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The blobs under one listing prefix, a page at a time, in the archive's name order, each with its merge key: its
 * name without the archive prefix, which is the relative path of the file it would belong to. While the merge works
 * through one page, the next is already being listed (one request ahead, on a thread of its own): the listing and
 * the judging of the files, which waits on Lustre, overlap instead of taking turns. Holds two pages in memory at
 * most.
 *
 * <p>The merge with {@link SortedTreeWalk} relies on the listing's order being {@link String#compareTo}'s (Azure
 * and Azurite list by name; the posix archive sorts by String). A listing out of that order (names with characters
 * beyond U+FFFF next to U+E000-U+FFFF can sort differently by UTF-8 bytes) stops the check with an error naming
 * both blobs, rather than judging blobs against the wrong files.
 */
final class BlobStream implements AutoCloseable {
    /** A listed blob and its merge key. */
    record Listed(StoredObject object, String key) {
    }

    static final int PAGE_SIZE = 1000;

    private final ArchiveBackend backend;
    private final String archivePrefix;
    private final String listPrefix;
    private final String onlyKey;
    private final Deque<StoredObject> page = new ArrayDeque<>();
    private final ExecutorService ahead = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "check-listing");
        thread.setDaemon(true);
        return thread;
    });
    private Future<ObjectListing> nextPage;
    private String token;
    private boolean done;
    private String lastName;
    private long listed;

    /**
     * @param archivePrefix the archive's normalized prefix ("" or ending in '/')
     * @param listPrefix    what to list (the archive prefix plus the checked directory and '/')
     * @param onlyKey       when the check covers one file: only the blob of exactly that key; else null
     */
    BlobStream(ArchiveBackend backend, String archivePrefix, String listPrefix, String onlyKey) {
        this.backend = backend;
        this.archivePrefix = archivePrefix;
        this.listPrefix = listPrefix;
        this.onlyKey = onlyKey;
    }

    /** The next blob, or null at the end of the listing. */
    Listed next() throws ArchiveException {
        while (true) {
            while (page.isEmpty()) {
                if (done) {
                    return null;
                }
                ObjectListing listing = nextPage != null ? await(nextPage) : backend.list(listPrefix, token,
                        PAGE_SIZE);
                nextPage = null;
                page.addAll(listing.objects());
                token = listing.nextContinuationToken();
                done = token == null;
                if (!done) {
                    String from = token;
                    nextPage = ahead.submit(() -> backend.list(listPrefix, from, PAGE_SIZE));
                }
            }
            StoredObject object = page.poll();
            if (lastName != null && object.name().compareTo(lastName) <= 0) {
                throw new IllegalStateException("the archive listed blob " + object.name() + " after " + lastName
                        + ", out of the order the check merges by (String order); the check cannot judge this"
                        + " listing");
            }
            lastName = object.name();
            listed++;
            String key = object.name().substring(archivePrefix.length());
            if (onlyKey != null && !onlyKey.equals(key)) {
                continue;
            }
            return new Listed(object, key);
        }
    }

    private static ObjectListing await(Future<ObjectListing> listing) throws ArchiveException {
        try {
            return listing.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the next page of the listing", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ArchiveException archive) {
                throw archive;
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException("listing the next page failed: " + e.getCause(), e.getCause());
        }
    }

    /** Stops the listing a page ahead, if one is running. */
    @Override
    public void close() {
        ahead.shutdownNow();
    }

    /** Blobs listed so far. */
    long listed() {
        return listed;
    }
}
