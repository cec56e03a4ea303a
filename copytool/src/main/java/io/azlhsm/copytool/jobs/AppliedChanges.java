package io.azlhsm.copytool.jobs;

/** A real run's {@link JobChanges}: every change is made. */
public final class AppliedChanges implements JobChanges {
    public static final AppliedChanges INSTANCE = new AppliedChanges();

    private AppliedChanges() {
    }

    @Override
    public boolean dryRun() {
        return false;
    }

    @Override
    public <E extends Exception> void apply(String action, String path, String blob, Change<E> change) throws E {
        change.make();
    }

    @Override
    public <E extends Exception> void applyToAll(String action, java.util.List<String> paths, Change<E> change)
            throws E {
        change.make();
    }
}
