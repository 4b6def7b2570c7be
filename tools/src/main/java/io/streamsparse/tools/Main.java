package io.streamsparse.tools;

import io.streamsparse.tools.debian.DebianCorpusBuilder;
import io.streamsparse.tools.ingest.CreateTopicsCommand;
import io.streamsparse.tools.ingest.IngestCommand;
import java.util.Arrays;

/**
 * Entry point of the tools jar: {@code java -jar tools/target/tools-0.1.0-SNAPSHOT-exec.jar <command> [options]}.
 * The first argument names the command, the rest are its options ({@code <command> --help} lists them). Exit
 * status is the command's; 2 for an unknown command or a usage error. Library logging (slf4j-simple) is WARN on
 * stderr unless {@code -Dorg.slf4j.simpleLogger.defaultLogLevel=...} says otherwise.
 */
public final class Main {

    static final String USAGE = """
            usage: tools <command> [options]     (<command> --help for its options)
              ingest          JSONL file or stdin -> the documents topic, with progress and a sent/rejected count
              create-topics   create documents, sparse-vectors (compacted) and documents.DLT, idempotently
              debian-corpus   build the Debian package-description corpus: --lists-dir DIR --out DIR
                              [--split-dir DIR]; writes docs.jsonl and queries.jsonl
              doc-corpus      build the Debian documentation corpus (man, info, HTML, text passages + queries):
                              --debs DIR --out DIR [--packages FILE] [--download] [--threads N]
              evaluate        MRR@10, R@10, R@100, nDCG@10 of BM25 and sparse models on the Debian set
            """;

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        // slf4j-simple: Kafka client warnings on stderr, its INFO chatter off (override with -D...)
        setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        setIfAbsent("org.slf4j.simpleLogger.logFile", "System.err");
        // "connection to node -1 could not be established", once per retry: the commands report an absent broker
        setIfAbsent("org.slf4j.simpleLogger.log.org.apache.kafka.clients.NetworkClient", "error");
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            System.out.print(USAGE);
            System.exit(args.length == 0 ? 2 : 0);
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "ingest" -> IngestCommand.main(rest);
            case "create-topics" -> CreateTopicsCommand.main(rest);
            case "evaluate" -> io.streamsparse.tools.eval.EvaluateCommand.main(rest);
            case "debian-corpus" -> {
                try {
                    DebianCorpusBuilder.main(rest);
                } catch (IllegalArgumentException e) {
                    System.err.println("debian-corpus: " + e.getMessage());
                    System.exit(2);
                }
            }
            case "doc-corpus" -> {
                try {
                    io.streamsparse.tools.doccorpus.DocCorpusBuilder.main(rest);
                } catch (IllegalArgumentException e) {
                    System.err.println("doc-corpus: " + e.getMessage());
                    System.exit(2);
                }
            }
            default -> {
                System.err.println("unknown command: " + args[0]);
                System.err.print(USAGE);
                System.exit(2);
            }
        }
    }

    private static void setIfAbsent(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }
}
