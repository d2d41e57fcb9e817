package dev.wsquota.cluster;

import org.junit.jupiter.api.Tag;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a unit test that starts real Hazelcast members in the test JVM (seconds, not milliseconds), tagged
 * {@code hazelcast}: {@code ./mvnw verify} runs them; {@code ./mvnw test -DexcludedGroups=hazelcast} leaves them out.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("hazelcast")
@interface StartsHazelcastMembers {
}
