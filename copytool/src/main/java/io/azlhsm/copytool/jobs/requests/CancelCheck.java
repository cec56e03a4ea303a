package io.azlhsm.copytool.jobs.requests;

/** Throws when the job was asked to stop ({@code JobContext::checkCancelled} fits). */
@FunctionalInterface
public interface CancelCheck {
    void check() throws Exception;
}
