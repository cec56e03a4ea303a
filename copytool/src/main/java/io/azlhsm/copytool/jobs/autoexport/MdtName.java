package io.azlhsm.copytool.jobs.autoexport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The MDT device of the file system mounted at a path ({@code <fsname>-MDT0000}), from the mount's source in
 * {@code /proc/self/mountinfo}: a Lustre client mount's source ends with {@code :/<fsname>} (e.g.
 * {@code 10.0.0.1@tcp:/lustre}), and so does the simulator's ({@code hsmsim@<socket>:/<fsname>}).
 */
public final class MdtName {
    private MdtName() {
    }

    public static String of(Path mount) throws IOException {
        return of(mount, Files.readAllLines(Path.of("/proc/self/mountinfo")));
    }

    static String of(Path mount, List<String> mountinfo) throws IOException {
        String mountPoint = mount.toAbsolutePath().normalize().toString();
        for (String line : mountinfo) {
            String[] fields = line.split(" ");
            int separator = List.of(fields).indexOf("-");
            if (fields.length < 5 || separator < 0 || separator + 2 >= fields.length) {
                continue;
            }
            if (!unescape(fields[4]).equals(mountPoint)) {
                continue;
            }
            String source = unescape(fields[separator + 2]);
            int fsname = source.lastIndexOf(":/");
            if (fsname >= 0 && fsname + 2 < source.length()) {
                return source.substring(fsname + 2) + "-MDT0000";
            }
            throw new IOException("the mount " + mountPoint + " has source '" + source + "', not a Lustre one"
                    + " (NID:/fsname); give the MDT with --mdt");
        }
        throw new IOException(mountPoint + " is not a mount point (not in /proc/self/mountinfo); give the MDT with"
                + " --mdt");
    }

    /** mountinfo writes space, tab, newline and backslash as octal escapes. */
    private static String unescape(String field) {
        return field.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
    }
}
