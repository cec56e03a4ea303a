package io.azlhsm.testcluster.protocol;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * Who is at the other end of a Unix socket (SO_PEERCRED), as numeric ids: the coordinator's request masks and hsm_set
 * rules depend on it. Java reports names; they are mapped back through /etc/passwd and /etc/group.
 */
record PeerIdentity(int uid, int gid) {
    static PeerIdentity of(SocketChannel channel) throws IOException {
        UnixDomainPrincipal p = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
        return new PeerIdentity(id(p.user().getName(), Path.of("/etc/passwd")),
                id(p.group().getName(), Path.of("/etc/group")));
    }

    private static int id(String name, Path database) throws IOException {
        if (name.chars().allMatch(Character::isDigit)) {
            return Integer.parseInt(name); // no entry in the database: Java gives the number
        }
        List<String> lines = Files.readAllLines(database);
        for (String line : lines) {
            String[] f = line.split(":");
            if (f.length > 2 && f[0].equals(name)) {
                return Integer.parseInt(f[2]);
            }
        }
        throw new IOException("unknown principal " + name);
    }
}
