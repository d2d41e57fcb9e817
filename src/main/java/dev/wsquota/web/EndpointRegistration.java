package dev.wsquota.web;

import jakarta.websocket.Endpoint;
import jakarta.websocket.server.ServerApplicationConfig;
import jakarta.websocket.server.ServerEndpointConfig;

import java.util.Set;

/**
 * Registers {@link ManagersEndpoint} at {@code /ws} as a programmatic endpoint (the container finds this
 * class by scanning), with the {@link PlainEndpoint} configurator; annotated endpoints, if any, are kept.
 */
public class EndpointRegistration implements ServerApplicationConfig {

    @Override
    public Set<ServerEndpointConfig> getEndpointConfigs(Set<Class<? extends Endpoint>> scanned) {
        return Set.of(ServerEndpointConfig.Builder.create(ManagersEndpoint.class, ManagersEndpoint.PATH)
                .configurator(new PlainEndpoint())
                .build());
    }

    @Override
    public Set<Class<?>> getAnnotatedEndpointClasses(Set<Class<?>> scanned) {
        return scanned;
    }
}
