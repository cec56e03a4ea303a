package io.azlhsm.copytool.archive;

import java.util.List;

/**
 * One page of {@link ArchiveBackend#listPreserved}; a page may hold no version while more pages follow.
 *
 * @param versions               the preserved versions of this page, in name order
 * @param nextContinuationToken  pass to the next call; null when this was the last page
 */
public record PreservedListing(List<PreservedVersion> versions, String nextContinuationToken) {
    public PreservedListing {
        versions = List.copyOf(versions);
    }
}
