package io.azlhsm.testcluster.harness;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension giving a test class its own running Azurite.
 *
 * <pre>
 * &#64;ExtendWith(AzuriteExtension.class)
 * class MyIT {
 *     &#64;Test void roundTrip(AzuriteServer azurite) { ... azurite.connectionString() ... }
 * }
 * </pre>
 *
 * The server starts on first use in a test class and is stopped when the class finishes, whether its tests pass or
 * fail (it is a closeable resource of the class's extension store). Test methods, lifecycle methods and constructors
 * may take an {@link AzuriteServer} parameter.
 */
public final class AzuriteExtension implements ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(AzuriteExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == AzuriteServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return server(context);
    }

    /** The class-scoped server, started on first request. */
    public static AzuriteServer server(ExtensionContext context) {
        ExtensionContext classContext = classContext(context);
        return classContext.getStore(NAMESPACE)
                .getOrComputeIfAbsent("server", key -> new StoredServer(AzuriteServer.start()), StoredServer.class)
                .server;
    }

    private static ExtensionContext classContext(ExtensionContext context) {
        ExtensionContext current = context;
        while (current.getTestMethod().isPresent() && current.getParent().isPresent()) {
            current = current.getParent().get();
        }
        return current;
    }

    /** Wraps the server so the store closes it when the class context ends. */
    private static final class StoredServer implements ExtensionContext.Store.CloseableResource {
        private final AzuriteServer server;

        private StoredServer(AzuriteServer server) {
            this.server = server;
        }

        @Override
        public void close() {
            server.close();
        }
    }
}
