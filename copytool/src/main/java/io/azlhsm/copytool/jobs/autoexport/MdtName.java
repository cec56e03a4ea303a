package io.azlhsm.copytool.jobs.autoexport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * MDT device names ({@code <fsname>-MDT<index in 4 hex digits>}, as Lustre names its targets and as
 * {@code llapi_changelog_start} takes them), and the file system name of a mount, from its source in
 * {@code /proc/self/mountinfo}. A Lustre client mount's source is {@code <NIDs>:/<fsname>} (e.g.
 * {@code 10.0.0.1@tcp:10.0.0.2@tcp:/lustre}), or {@code <NIDs>:/<fsname>/<subdir>} for a fileset (subdirectory)
 * mount; the simulator's is {@code hsmsim@<socket>:/<fsname>}. NIDs never contain a slash, so the name is what
 * follows the first {@code :/}, up to the next slash.
 */
public final class MdtName {
    private MdtName() {
    }

    /** The device name of MDT {@code index} of {@code fsname}, e.g. {@code lustre-MDT0000}, {@code lustre-MDT000a}. */
    public static String of(String fsname, int index) {
        return String.format("%s-MDT%04x", fsname, index);
    }

    /** The file system name of the Lustre mount at {@code mount}. */
    public static String fsname(Path mount) throws IOException {
        return fsname(mount, Files.readAllLines(Path.of("/proc/self/mountinfo")));
    }

    static String fsname(Path mount, List<String> mountinfo) throws IOException {
        String mountPoint = mount.toAbsolutePath().normalize().toString();
        String source = null;
        for (String line : mountinfo) {
            String[] fields = line.split(" ");
            int separator = List.of(fields).indexOf("-");
            if (fields.length < 5 || separator < 0 || separator + 2 >= fields.length) {
                continue;
            }
            if (unescape(fields[4]).equals(mountPoint)) {
                source = unescape(fields[separator + 2]); // the last mount on a point is the visible one
            }
        }
        if (source == null) {
            throw new IOException(mountPoint + " is not a mount point (not in /proc/self/mountinfo)");
        }
        int start = source.indexOf(":/");
        if (start >= 0) {
            String rest = source.substring(start + 2);
            int slash = rest.indexOf('/');
            String fsname = slash >= 0 ? rest.substring(0, slash) : rest;
            if (!fsname.isEmpty()) {
                return fsname;
            }
        }
        throw new IOException("the mount " + mountPoint + " has source '" + source + "', not a Lustre one"
                + " (NID:/fsname or NID:/fsname/subdir)");
    }

    /** mountinfo writes space, tab, newline and backslash as octal escapes. */
    private static String unescape(String field) {
        return field.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
    }
}
