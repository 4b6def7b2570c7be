package io.streamsparse.tools.ingest;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * {@code create-topics}: creates the pipeline's topics, idempotently (a topic that already exists is left as it is
 * and reported, with a warning on stderr if its partition count or cleanup policy differs from what was asked).
 *
 * <ul>
 *   <li>{@code documents}: {@code --partitions} partitions, compacted (key = doc id; the latest version wins).</li>
 *   <li>{@code sparse-vectors}: {@code --partitions} partitions, compacted; partition p is index shard p, so it
 *       must have as many partitions as {@code documents}.</li>
 *   <li>{@code documents.DLT}: 1 partition, cleanup policy delete (a log of poison records, not a table).</li>
 *   <li>{@code sparse-vectors.DLT}: the same, for vector records an index service rejects.</li>
 * </ul>
 * Waits up to {@code --timeout-seconds} for the broker to answer first, so it can run right after the broker was
 * started. Exit status: 0 when all four topics exist afterwards, 1 when the broker did not answer or a creation
 * failed, 2 for a usage error.
 */
public final class CreateTopicsCommand {

    static final String DOCUMENTS = "documents";
    static final String VECTORS = "sparse-vectors";
    static final String DEAD_LETTERS = "documents.DLT";
    static final String VECTOR_DEAD_LETTERS = "sparse-vectors.DLT";

    static final String USAGE = """
            usage: create-topics [--bootstrap-servers HOST:PORT] [--partitions N] [--replication-factor N]
                                 [--timeout-seconds S] [--kafka-config FILE]
              Creates documents and sparse-vectors (compacted, N partitions each) and documents.DLT and
              sparse-vectors.DLT (1 partition, delete policy). Existing topics are left alone.
              --bootstrap-servers  Kafka bootstrap servers (default 127.0.0.1:9092)
              --partitions         partitions of documents and sparse-vectors = index shards (default 2)
              --replication-factor (default 1)
              --timeout-seconds    how long to wait for the broker to answer (default 60)
              --kafka-config       Kafka client properties (security.protocol, ssl.*, sasl.*)
            """;

    private static final Set<String> OPTIONS =
            Set.of("bootstrap-servers", "partitions", "replication-factor", "timeout-seconds",
                    KafkaClientConfig.OPTION);
    private static final long ATTEMPT_SECONDS = 5;

    private CreateTopicsCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** The topics to create for {@code partitions} shards. */
    static List<NewTopic> topics(int partitions, short replicationFactor) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
        }
        Map<String, String> compact = Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        Map<String, String> delete = Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
        return List.of(
                new NewTopic(DOCUMENTS, partitions, replicationFactor).configs(compact),
                new NewTopic(VECTORS, partitions, replicationFactor).configs(compact),
                new NewTopic(DEAD_LETTERS, 1, replicationFactor).configs(delete),
                new NewTopic(VECTOR_DEAD_LETTERS, 1, replicationFactor).configs(delete));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        String bootstrap;
        List<NewTopic> wanted;
        long timeoutSeconds;
        Properties settings;
        try {
            Args a = Args.parse(args, OPTIONS);
            if (a.help()) {
                out.print(USAGE);
                return 0;
            }
            bootstrap = a.string("bootstrap-servers", "127.0.0.1:9092");
            wanted = topics((int) a.number("partitions", 2, 1, 10_000),
                    (short) a.number("replication-factor", 1, 1, Short.MAX_VALUE));
            timeoutSeconds = a.number("timeout-seconds", 60, 1, 86_400);
            settings = KafkaClientConfig.load(a.string(KafkaClientConfig.OPTION, null));
        } catch (IllegalArgumentException e) {
            err.println("create-topics: " + e.getMessage());
            err.print(USAGE);
            return 2;
        }
        Properties p = new Properties();
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(ATTEMPT_SECONDS * 1000));
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(ATTEMPT_SECONDS * 1000));
        try (Admin admin = Admin.create(KafkaClientConfig.apply(p, settings, bootstrap))) {
            if (!awaitBroker(admin, timeoutSeconds)) {
                err.println("create-topics: no answer from Kafka at " + bootstrap + " within " + timeoutSeconds
                        + " s");
                return 1;
            }
            return createAndReport(admin, wanted, out, err);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("create-topics: interrupted");
            return 1;
        } catch (KafkaException e) {
            err.println("create-topics: " + e);
            return 1;
        }
    }

    private static boolean awaitBroker(Admin admin, long timeoutSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (true) {
            try {
                admin.listTopics().names().get(ATTEMPT_SECONDS, TimeUnit.SECONDS);
                return true;
            } catch (ExecutionException | TimeoutException e) {
                if (System.nanoTime() > deadline) {
                    return false;
                }
                Thread.sleep(500);
            }
        }
    }

    private static int createAndReport(Admin admin, List<NewTopic> wanted, PrintStream out, PrintStream err)
            throws InterruptedException {
        Map<String, String> outcome = new HashMap<>();
        int status = 0;
        var results = admin.createTopics(wanted).values();
        for (NewTopic topic : wanted) {
            try {
                results.get(topic.name()).get();
                outcome.put(topic.name(), "created");
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TopicExistsException) {
                    outcome.put(topic.name(), "exists");
                } else {
                    err.println("create-topics: cannot create " + topic.name() + ": " + e.getCause());
                    status = 1;
                }
            }
        }
        if (status != 0) {
            return status;
        }
        List<String> names = wanted.stream().map(NewTopic::name).toList();
        List<ConfigResource> resources = new ArrayList<>();
        for (String name : names) {
            resources.add(new ConfigResource(ConfigResource.Type.TOPIC, name));
        }
        Map<String, TopicDescription> descriptions;
        Map<ConfigResource, Config> configs;
        try {
            descriptions = admin.describeTopics(names).allTopicNames().get();
            configs = admin.describeConfigs(resources).all().get();
        } catch (ExecutionException e) {
            err.println("create-topics: cannot describe the topics: " + e.getCause());
            return 1;
        }
        for (NewTopic topic : wanted) {
            int partitions = descriptions.get(topic.name()).partitions().size();
            ConfigEntry policy = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic.name()))
                    .get(TopicConfig.CLEANUP_POLICY_CONFIG);
            String actualPolicy = policy == null ? "?" : policy.value();
            String wantedPolicy = topic.configs().get(TopicConfig.CLEANUP_POLICY_CONFIG);
            out.println(topic.name() + " partitions=" + partitions + " cleanup.policy=" + actualPolicy + " ("
                    + outcome.get(topic.name()) + ")");
            if (partitions != topic.numPartitions()) {
                err.println("create-topics: warning: " + topic.name() + " has " + partitions
                        + " partitions, not the " + topic.numPartitions() + " asked for (left as it is)");
            }
            if (!wantedPolicy.equals(actualPolicy)) {
                err.println("create-topics: warning: " + topic.name() + " has cleanup.policy=" + actualPolicy
                        + ", not " + wantedPolicy + " (left as it is)");
            }
        }
        return 0;
    }
}
