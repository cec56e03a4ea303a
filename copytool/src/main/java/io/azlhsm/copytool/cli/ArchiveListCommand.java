package io.azlhsm.copytool.cli;

import io.azlhsm.copytool.archive.ArchiveBackend;
import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.archive.BackendFactory;
import io.azlhsm.copytool.archive.ObjectListing;
import io.azlhsm.copytool.archive.StoredObject;
import io.azlhsm.copytool.config.ArchiveSettings;
import io.azlhsm.copytool.config.BackendSettingsOf;
import io.azlhsm.copytool.config.CopytoolConfig;
import java.io.PrintStream;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code copytool ls}: what an archive holds, one object per line (size, Content-MD5, access tier, name), its metadata
 * indented below. The tier is the service's ({@code Hot}, {@code Cool}, {@code Cold}, {@code Archive}), with the
 * rehydration under way if any; {@code -} for an archive without tiers. For an administrator checking what the agent wrote, and what an import would see.
 */
final class ArchiveListCommand implements CliCommand {
    private static final int PAGE = 1000;

    @Override
    public String name() {
        return "ls";
    }

    @Override
    public String summary() {
        return "list the objects of an archive with size, Content-MD5, access tier and metadata";
    }

    @Override
    public Options options() {
        return new Options().addOption(ConfigOption.option())
                .addOption(Option.builder("a").longOpt("archive").hasArg().argName("ID").required()
                        .desc("archive id (archive.ID.* in the configuration)").build())
                .addOption(Option.builder("p").longOpt("prefix").hasArg().argName("PATH")
                        .desc("only objects under this path relative to the mount").build())
                .addOption(Option.builder().longOpt("no-metadata").desc("names, sizes and MD5s only").build());
    }

    @Override
    public int run(CommandLine line, PrintStream out, PrintStream err) {
        Optional<CopytoolConfig> loaded = ConfigOption.load(line, name(), err);
        if (loaded.isEmpty()) {
            return ExitCode.CONFIG;
        }
        CopytoolConfig config = loaded.get();
        int id;
        try {
            id = Integer.parseInt(line.getOptionValue("archive"));
        } catch (NumberFormatException e) {
            err.println("copytool ls: --archive must be a number: " + line.getOptionValue("archive"));
            return ExitCode.USAGE;
        }
        ArchiveSettings archive = config.archives().get(id);
        if (archive == null) {
            err.println("copytool ls: archive " + id + " is not configured (configured: " + config.archives().keySet()
                    + ")");
            return ExitCode.CONFIG;
        }
        boolean metadata = !line.hasOption("no-metadata");
        try (ArchiveBackend backend = BackendFactory.create(BackendSettingsOf.archive(archive, config.chunkSize()))) {
            String prefix = line.hasOption("prefix") ? backend.objectName(line.getOptionValue("prefix"))
                    : archive.prefix();
            long objects = 0;
            long bytes = 0;
            String token = null;
            do {
                ObjectListing page = backend.list(prefix, token, PAGE);
                for (StoredObject object : page.objects()) {
                    print(out, object, metadata);
                    objects++;
                    bytes += object.size();
                }
                token = page.next().orElse(null);
            } while (token != null);
            out.printf("%d objects, %d bytes in %s%n", objects, bytes, backend.describe());
            return ExitCode.OK;
        } catch (ArchiveException e) {
            err.println("copytool ls: " + e.getMessage());
            return ExitCode.FAILURE;
        }
    }

    private static void print(PrintStream out, StoredObject object, boolean withMetadata) {
        String md5 = object.contentMd5() == null ? "-".repeat(32) : HexFormat.of().formatHex(object.contentMd5());
        out.printf("%14d  %s  %-7s  %s%n", object.size(), md5, object.tier().accessTier() == null ? "-"
                : object.tier().accessTier(), object.name());
        if (object.tier().rehydrating()) {
            out.printf("%18s(%s, %s priority)%n", "", object.tier().archiveStatus(),
                    object.tier().rehydratePriority() == null ? "standard" : object.tier().rehydratePriority());
        }
        if (withMetadata) {
            Map<String, String> sorted = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            sorted.putAll(object.metadata());
            sorted.forEach((key, value) -> out.printf("%18s%s=%s%n", "", key, value));
        }
    }
}
