package io.azlhsm.copytool.config;

import java.util.Locale;

/** Where an archive id's data lives. */
public enum ArchiveType {
    /** Azure Blob Storage block blobs. */
    AZURE,
    /** A directory tree (like lhsmtool_posix). */
    POSIX;

    /** The word used in the config file. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
