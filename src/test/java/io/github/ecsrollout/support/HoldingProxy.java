package io.github.ecsrollout.support;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A raw-socket HTTP/1.1 proxy on 127.0.0.1 in front of an ECS endpoint (the simulated one) that can hold chosen
 * requests: for each, it sends the status line, headers promising a body, and the first bytes of that body, then keeps
 * the socket open and silent until {@link #close()}. Every other request is forwarded and answered as the endpoint
 * answers it. This is the fault the simulator's {@code HttpServer} cannot make: a response that starts and never
 * ends, which the JDK's {@code HttpURLConnection} reads until its socket read timeout.
 *
 * <pre>{@code
 * try (HoldingProxy proxy = HoldingProxy.start(sim.endpoint(), r -> r.operation().equals("DescribeServices"))) {
 *     EcsClient client = SimulatedEcs.clientFor(proxy.endpoint(), o -> { });
 *     ...
 * }
 * }</pre>
 */
public final class HoldingProxy implements AutoCloseable {

    /** What a hold decision sees of a request: its ECS operation and its JSON body. */
    public record Request(String operation, String body) {
    }

    private static final String TARGET_PREFIX = "AmazonEC2ContainerServiceV20141113.";
    private static final AtomicInteger IDS = new AtomicInteger();

    private final URI upstream;
    private final Predicate<Request> hold;
    private final ServerSocket server;
    private final HttpClient forwarder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final AtomicInteger held = new AtomicInteger();
    private final AtomicInteger forwarded = new AtomicInteger();
    private final int id = IDS.incrementAndGet();
    private final AtomicInteger connections = new AtomicInteger();

    private HoldingProxy(URI upstream, Predicate<Request> hold) throws IOException {
        this.upstream = upstream;
        this.hold = hold;
        this.server = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "holding-proxy-" + id);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A proxy to {@code upstream} holding the requests {@code hold} selects. */
    public static HoldingProxy start(URI upstream, Predicate<Request> hold) {
        try {
            return new HoldingProxy(upstream, hold);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    /** Requests held so far. */
    public int held() {
        return held.get();
    }

    /** Requests forwarded and answered so far. */
    public int forwarded() {
        return forwarded.get();
    }

    /** Closes every connection, held ones included: their readers see the stream end. */
    @Override
    public void close() {
        closed.countDown();
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                s.setTcpNoDelay(true);
                sockets.add(s);
                Thread t = new Thread(() -> serve(s), "holding-proxy-" + id + "-" + connections.incrementAndGet());
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    /** Serves one keep-alive connection, request after request, until it closes or a request is held. */
    private void serve(Socket s) {
        try (s) {
            InputStream in = new BufferedInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            while (true) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                String target = header(head, "x-amz-target");
                int length = Integer.parseInt(header(head, "content-length") == null ? "0"
                        : header(head, "content-length").trim());
                byte[] body = in.readNBytes(length);
                String operation = target != null && target.startsWith(TARGET_PREFIX)
                        ? target.substring(TARGET_PREFIX.length()).trim() : "<none>";
                Request request = new Request(operation, new String(body, StandardCharsets.UTF_8));
                if (hold.test(request)) {
                    held.incrementAndGet();
                    // Headers and the start of a 4 KB body, then silence: the client waits for the rest.
                    byte[] start = "{\"services\":[{\"serviceName\":".getBytes(StandardCharsets.UTF_8);
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.1\r\n"
                            + "x-amzn-RequestId: held-" + held.get() + "\r\nContent-Length: 4096\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.write(start);
                    out.flush();
                    closed.await();
                    return;
                }
                HttpResponse<byte[]> answer = forwarder.send(HttpRequest.newBuilder(upstream.resolve("/"))
                        .header("X-Amz-Target", target == null ? "" : target.trim())
                        .header("Content-Type", "application/x-amz-json-1.1")
                        .timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                byte[] answerBody = answer.body();
                out.write(("HTTP/1.1 " + answer.statusCode() + " " + (answer.statusCode() < 300 ? "OK" : "Error")
                        + "\r\nContent-Type: " + answer.headers().firstValue("Content-Type")
                                .orElse("application/x-amz-json-1.1")
                        + "\r\nx-amzn-RequestId: " + answer.headers().firstValue("x-amzn-RequestId").orElse("proxied")
                        + "\r\nContent-Length: " + answerBody.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(answerBody);
                out.flush();
                forwarded.incrementAndGet();
            }
        } catch (SocketException e) {
            // closed by the client or by close()
        } catch (IOException e) {
            // the client went away
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The request line and headers, up to the blank line; {@code null} at the end of the stream. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        int b;
        while ((b = in.read()) != -1) {
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : b == '\r' ? 1 : 0;
            if (matched == 4) {
                return head.toString(StandardCharsets.US_ASCII);
            }
        }
        return null;
    }

    private static String header(String head, String name) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }
}
