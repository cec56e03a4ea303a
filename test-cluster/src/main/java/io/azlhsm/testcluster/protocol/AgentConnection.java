package io.azlhsm.testcluster.protocol;

import io.azlhsm.testcluster.coordinator.ActionList;
import io.azlhsm.testcluster.coordinator.AgentChannel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A registered copytool's connection. The coordinator queues action lists without blocking; a writer thread sends
 * them as HAL lines (and blocks, like the kernel's pipe write, when the copytool does not drain).
 */
final class AgentConnection implements AgentChannel {
    private static final String SHUTDOWN = "SHUTDOWN";

    private final SocketChannel channel;
    private final BlockingQueue<String> outgoing = new LinkedBlockingQueue<>();
    private final Thread writer;
    /** The copytool's process (0: unknown), to tell an exited one before its connection's end is read. */
    private final long pid;

    AgentConnection(SocketChannel channel, String name, long pid) {
        this.channel = channel;
        this.pid = pid;
        this.writer = new Thread(this::writeLoop, "agent-writer-" + name);
        this.writer.setDaemon(true);
    }

    @Override
    public boolean alive() {
        if (pid <= 0 || !channel.isOpen()) {
            return channel.isOpen();
        }
        try {
            // "pid (comm) S ...": a zombie (Z) has exited too; comm may hold spaces and parentheses
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException | RuntimeException e) {
            return false; // no such process
        }
    }

    void start() {
        writer.start();
    }

    @Override
    public void send(ActionList list) {
        Message m = new Message("HAL").put("archive_id", list.archiveId()).put("flags", list.flags())
                .put("compound", list.compoundId()).put("fsname", list.fsname());
        for (ActionList.Item i : list.items()) {
            m.put("item", i.action() + "," + i.fid() + "," + i.dataFid() + "," + Long.toUnsignedString(i.offset())
                    + "," + Long.toUnsignedString(i.length()) + "," + i.cookie() + "," + i.gid() + ","
                    + HexFormat.of().formatHex(i.data()));
        }
        outgoing.add(m.format());
    }

    @Override
    public void shutdown() {
        outgoing.add(SHUTDOWN);
    }

    void stop() {
        writer.interrupt();
    }

    private void writeLoop() {
        try {
            while (true) {
                String line = outgoing.take();
                ByteBuffer buf = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.US_ASCII));
                while (buf.hasRemaining()) {
                    channel.write(buf);
                }
                if (line.equals(SHUTDOWN)) {
                    channel.close();
                    return;
                }
            }
        } catch (InterruptedException | IOException e) {
            // connection gone: the reader side unregisters the agent
        }
    }
}
