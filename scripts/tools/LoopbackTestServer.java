package io.temporal.internal.testservice;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * Starts the Temporal time-skipping test server on 127.0.0.1 only.
 *
 * <p>io.temporal.testserver.TestServer binds on every interface. This launcher builds the same
 * server as TestServer.createPortBoundServer(port, lockTimeSkipping) but binds the loopback
 * address. The Temporal TypeScript SDK starts it as {@code <executable> <port>}.
 */
public final class LoopbackTestServer {
  private static final String HOST = "127.0.0.1";

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("Usage: temporal-test-server <port> [--enable-time-skipping] [--start-time <ISO-8601 instant>]");
      System.exit(2);
    }

    int port = Integer.parseInt(args[0]);
    boolean enableTimeSkipping = false;
    long startTimeMillis = 0;
    for (int index = 1; index < args.length; index++) {
      String flag = args[index];
      if (flag.equalsIgnoreCase("--enable-time-skipping")) {
        enableTimeSkipping = true;
      } else if (flag.equals("--start-time") && index + 1 < args.length) {
        // Tests of dated field cases start the server's clock on their own dates.
        startTimeMillis = Instant.parse(args[++index]).toEpochMilli();
      } else {
        System.err.println("Unknown flag " + flag + ": use --enable-time-skipping or --start-time <ISO-8601 instant>");
        System.exit(2);
      }
    }

    // Same default as TestServer.main: time skipping stays locked until a client unlocks it.
    TestServicesStarter services = new TestServicesStarter(!enableTimeSkipping, startTimeMillis);
    NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(HOST, port));
    GRPCServerHelper.registerServicesAndHealthChecks(services.getServices(), builder);
    Server server = builder.build().start();
    System.err.println("Temporal test server listening on " + HOST + ":" + server.getPort());

    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.shutdown();
                  try {
                    server.awaitTermination(5, TimeUnit.SECONDS);
                  } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                  }
                  services.close();
                }));

    server.awaitTermination();
  }
}
