package io.azlhsm.copytool.jobs.requests;

import java.util.Optional;

/**
 * How one requested file ended.
 *
 * @param failure why it failed; empty when it succeeded
 */
public record RequestOutcome(RequestedFile file, Optional<String> failure) {
    public boolean succeeded() {
        return failure.isEmpty();
    }
}
