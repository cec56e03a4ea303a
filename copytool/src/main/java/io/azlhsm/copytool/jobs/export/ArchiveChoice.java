package io.azlhsm.copytool.jobs.export;

import io.azlhsm.copytool.archive.ArchiveBackend;
import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.archive.BackendFactory;
import io.azlhsm.copytool.config.ArchiveSettings;
import io.azlhsm.copytool.config.BackendSettingsOf;
import io.azlhsm.copytool.config.CopytoolConfig;
import java.util.Arrays;

/** The archive an export writes to: the one given, or the only one configured. */
public final class ArchiveChoice {
    private ArchiveChoice() {
    }

    /**
     * @param requested 0 when the user named none
     * @throws IllegalArgumentException when the id is not configured, or none was named and several are
     */
    public static ArchiveSettings settings(CopytoolConfig config, int requested) {
        if (requested == 0) {
            if (config.archives().size() != 1) {
                throw new IllegalArgumentException("several archives are configured ("
                        + Arrays.toString(config.archiveIds()) + "): name one with --archive ID");
            }
            return config.archives().values().iterator().next();
        }
        ArchiveSettings settings = config.archives().get(requested);
        if (settings == null) {
            throw new IllegalArgumentException("archive " + requested + " is not configured (configured: "
                    + Arrays.toString(config.archiveIds()) + ")");
        }
        return settings;
    }

    /** A backend for directory markers, built as the agent builds its own. */
    public static ArchiveBackend backend(CopytoolConfig config, ArchiveSettings settings) throws ArchiveException {
        return BackendFactory.create(BackendSettingsOf.archive(settings, config.chunkSize()));
    }
}
