package io.azlhsm.testcluster.harness;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension giving a test class its own simulated Lustre cluster (no Azurite: add {@link AzuriteExtension}
 * for that). Started on first use in the class, stopped when the class finishes, pass or fail.
 *
 * <pre>
 * &#64;ExtendWith(ClusterExtension.class)
 * class MyIT {
 *     &#64;Test void archive(Cluster cluster) { cluster.lfs("hsm_archive", ...); }
 * }
 * </pre>
 */
public final class ClusterExtension implements ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(ClusterExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Cluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return cluster(context);
    }

    public static Cluster cluster(ExtensionContext context) {
        ExtensionContext classContext = context;
        while (classContext.getTestMethod().isPresent() && classContext.getParent().isPresent()) {
            classContext = classContext.getParent().get();
        }
        return classContext.getStore(NAMESPACE)
                .getOrComputeIfAbsent("cluster", key -> new Stored(Cluster.start()), Stored.class).cluster;
    }

    private static final class Stored implements ExtensionContext.Store.CloseableResource {
        private final Cluster cluster;

        Stored(Cluster cluster) {
            this.cluster = cluster;
        }

        @Override
        public void close() {
            cluster.close();
        }
    }
}
