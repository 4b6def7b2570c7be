package io.streamsparse.e2e.fault;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Resolves a {@link BrokerProcess} parameter to one broker shared by the fault test classes of a test run (they
 * use disjoint topics), saving a broker start per class. It lives in the root extension store, which closes it
 * (SIGKILL) when the run ends; {@link ChildProcess}'s shutdown hook is the backstop. {@link IndexServiceFaultTest}
 * kills and restarts it (same ports, same log directory), so the classes after it run on a restarted broker.
 */
final class SharedBroker implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedBroker.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == BrokerProcess.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE).computeIfAbsent(BrokerProcess.class,
                k -> BrokerProcess.start(FaultSupport.runDirectory("shared-broker")), BrokerProcess.class);
    }
}
