package io.azlhsm.copytool.operations;

import io.azlhsm.copytool.lustre.ExtendedAttributes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The file id lemur-based copytools keep on a file, {@value #XATTR_NAME}, and the blob it names, read as their Azure
 * data mover reads it. Sources (github.com/wastore/lemur, the same in edwardsp/lemur):
 * <ul>
 *   <li>the agent reads it by FID for RESTORE and REMOVE when the request carries no {@code file_id}
 *       (cmd/lhsmd/agent/agent_action.go:119-130, fileid/fileid.go:17, 64-72);</li>
 *   <li>the az mover's archive sets it to the file's path relative to the mount (status.FidPathnames, first link) and
 *       stores the blob as {@code Prefix/<that path>} (cmd/lhsm-plugin-az/mover.go:173-183, 58-64, 218);</li>
 *   <li>its restore takes a value that parses as an {@code az://CONTAINER/NAME} URL as that container and name, any
 *       other URL as an error, and anything else as a path under {@code Prefix} in its configured container
 *       (mover.go:74-89);</li>
 *   <li>the AMLFS hydrator's {@code --lemur} mode and lemur's azure-import write {@code az://<container>/<blob name>}
 *       on each stub (amlFilesystem-hydrator laaso/blobcache.py:100-105, 303-310; lemur cmd/azure-import/main.go:166-167).
 *   </li>
 * </ul>
 * The name after {@code az://CONTAINER/} is taken as written (the hydrator writes the blob name unescaped), where
 * lemur's Go URL parser would decode {@code %xx} and stop at {@code ?} or {@code #}: a name with those characters
 * restores here and not with lemur. It lives in the trusted namespace: only root can set it, so a file's owner cannot
 * point their file at another blob through it (a {@code user.*} copy of it would never be read).
 *
 * @param container the container an {@code az://} id names; empty for a path id (the archive's own container)
 * @param name      the blob name an {@code az://} id names, or the mount-relative path a path id is
 * @param text      the attribute's value as read, for messages
 */
record LemurFileId(Optional<String> container, String name, String text) {
    /** The file id attribute (fileid.go:17). */
    static final String XATTR_NAME = "trusted.lhsm_uuid";
    private static final String AZ_SCHEME = "az://";
    /** What Go's url.ParseRequestURI takes for a URL or an absolute path: lemur then needs the az scheme. */
    private static final Pattern OTHER_URI = Pattern.compile("^(/|[A-Za-z][A-Za-z0-9+.-]*:).*", Pattern.DOTALL);

    /** The file's lemur file id, if it has one; read by FID path, which never restores a released file. */
    static Optional<String> read(Path fidPath) throws IOException {
        return ExtendedAttributes.get(fidPath, XATTR_NAME).map(value -> new String(value, StandardCharsets.UTF_8));
    }

    /**
     * The id's meaning, as mover.go:74-89 reads it.
     *
     * @throws IllegalArgumentException naming what is wrong: a URL of another scheme, an az URL without container
     *                                  or name, an empty value, a control character
     */
    static LemurFileId parse(String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("it is empty");
        }
        if (text.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new IllegalArgumentException("it contains a control character");
        }
        if (text.startsWith(AZ_SCHEME)) {
            String rest = text.substring(AZ_SCHEME.length());
            int slash = rest.indexOf('/');
            if (slash <= 0 || slash == rest.length() - 1) {
                throw new IllegalArgumentException("an az:// file id needs a container and a blob name"
                        + " (az://CONTAINER/NAME)");
            }
            return new LemurFileId(Optional.of(rest.substring(0, slash)), rest.substring(slash + 1), text);
        }
        if (OTHER_URI.matcher(text).matches()) {
            throw new IllegalArgumentException("it is a URL or absolute path but not az://CONTAINER/NAME (lemur's az"
                    + " mover refuses it too: \"invalid URL in file_id\")");
        }
        return new LemurFileId(Optional.empty(), text, text);
    }
}
