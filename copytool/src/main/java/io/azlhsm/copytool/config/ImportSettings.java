package io.azlhsm.copytool.config;

/**
 * What import jobs may take from a container's metadata.
 *
 * @param restoreSetid give imported files and directories the setuid and setgid bits their metadata carries (our
 *                     {@code azlhsm_mode}, azcopy's {@code st_mode}). Off by default: whoever can write the
 *                     container's metadata would otherwise choose which imported programs run set-id, a privilege
 *                     decision that belongs to the file system's administrator. AMLFS never restores them.
 */
public record ImportSettings(boolean restoreSetid) {
    public static ImportSettings defaults() {
        return new ImportSettings(false);
    }

    static ImportSettings parse(ConfigReader config) throws ConfigException {
        return new ImportSettings(config.bool(KeyCatalog.IMPORT_RESTORE_SETID, false));
    }

    String summary() {
        return restoreSetid ? " import.restore_setid=true" : "";
    }
}
