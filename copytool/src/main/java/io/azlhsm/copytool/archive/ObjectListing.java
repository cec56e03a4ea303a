package io.azlhsm.copytool.archive;

import java.util.List;
import java.util.Optional;

/**
 * One page of a listing, in the archive's name order.
 *
 * @param objects                the objects of this page, with metadata
 * @param nextContinuationToken  pass to the next {@code list} call; null when this was the last page
 */
public record ObjectListing(List<StoredObject> objects, String nextContinuationToken) {
    public ObjectListing {
        objects = List.copyOf(objects);
    }

    /** The token for the next page, if there is one. */
    public Optional<String> next() {
        return Optional.ofNullable(nextContinuationToken);
    }
}
