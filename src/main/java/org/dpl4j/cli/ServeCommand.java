package org.dpl4j.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.dpl4j.api.Classifier;
import org.dpl4j.serve.ClassifyServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dpl4j serve}: an HTTP classification service over a bundle, until stopped (Ctrl-C / SIGTERM). */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve a bundle (or a train run) over HTTP: POST /v1/classify, GET /v1/labels, GET /health."
                + " Stops gracefully on Ctrl-C or SIGTERM, finishing requests in flight.")
final class ServeCommand implements Callable<Integer> {
    @Mixin ServeOptions serve;
    @Mixin EngineOptions engine;

    @Option(names = "--bundle", required = true, paramLabel = "FILE", description = "a bundle from dpl4j export (or a train run directory)")
    Path bundle;

    @Option(names = "--model", paramLabel = "PATH", description = "the CLIP file for a bundle exported without --with-model, if it moved")
    Path model;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "address to bind (default: ${DEFAULT-VALUE}, this machine only)")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "port (default: ${DEFAULT-VALUE}; 0 = any free port)")
    int port;

    @Override
    public Integer call() throws Exception {
        // the JDK server has no read timeout by default: a client that declares a body and never sends it holds a thread
        System.setProperty("sun.net.httpserver.maxReqTime", System.getProperty("sun.net.httpserver.maxReqTime", "60"));
        Classifier classifier = Classifier.load(bundle, model, engine.placement());
        ClassifyServer server;
        try {
            server = ClassifyServer.start(classifier, serve.settings(host, port));
        } catch (RuntimeException | java.io.IOException e) {
            classifier.close();
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            classifier.close();
            stopped.countDown();
        }, "dpl4j-serve-shutdown"));
        System.out.println("listening on " + server.uri() + " (Ctrl-C to stop)");
        stopped.await();
        return 0;
    }
}
