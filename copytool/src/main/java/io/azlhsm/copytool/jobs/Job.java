package io.azlhsm.copytool.jobs;

import java.util.Map;

/** Stand-in for the jobs framework contract (branch jobs); replaced by that branch's version on merge. */
public interface Job {
    JobKind kind();

    Map<String, String> parameters();

    JobState run(JobContext context) throws Exception;
}
