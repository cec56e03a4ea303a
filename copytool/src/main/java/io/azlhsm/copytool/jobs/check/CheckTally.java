package io.azlhsm.copytool.jobs.check;

import java.util.EnumMap;
import java.util.Map;

/** Items and bytes per {@link CheckClass}, files and blobs together, plus what could not be judged. */
public final class CheckTally {
    private final Map<CheckClass, long[]> perClass = new EnumMap<>(CheckClass.class);
    private long files;
    private long blobs;
    private long errors;

    CheckTally() {
        for (CheckClass c : CheckClass.values()) {
            perClass.put(c, new long[2]);
        }
    }

    synchronized void add(CheckItem item) {
        long[] counts = perClass.get(item.checkClass());
        counts[0]++;
        counts[1] += item.bytes();
        if (item.isFile()) {
            files++;
        } else {
            blobs++;
        }
    }

    synchronized void error() {
        errors++;
    }

    public synchronized long count(CheckClass c) {
        return perClass.get(c)[0];
    }

    public synchronized long bytes(CheckClass c) {
        return perClass.get(c)[1];
    }

    public synchronized long files() {
        return files;
    }

    public synchronized long blobs() {
        return blobs;
    }

    public synchronized long errors() {
        return errors;
    }

    /** True when some file's data is at risk or gone (see {@link CheckClass#atRisk()}). */
    public synchronized boolean anyAtRisk() {
        for (CheckClass c : CheckClass.values()) {
            if (c.atRisk() && perClass.get(c)[0] > 0) {
                return true;
            }
        }
        return false;
    }
}
