package io.sightline.server;

import io.sightline.support.RunningServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Slow and greedy clients: a connection trickling a byte at a time is closed once its request's
 * headers or body are late (each byte would reset an idle timeout), one address holds a bounded
 * number of connections, and the health check stays fast for everyone else meanwhile.
 */
@Tag("integration")
class SlowClientsTest {
  static RunningServer server;

  @BeforeAll
  static void start() {
    // no trusted proxies, so that the loopback addresses the test connects from are limited like any client
    server = RunningServer.start("http.headerTimeoutSeconds", "2", "http.bodyTimeoutSeconds", "2", "http.maxConnectionsPerAddress", "10",
        "ingest.trustedProxies", "");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static Socket from(String localAddress) throws IOException {
    return new Socket(InetAddress.getByName("127.0.0.1"), server.server.httpPort(), InetAddress.getByName(localAddress), 0);
  }

  /** Sends one byte every 200 ms until the server closes the connection; the seconds that took (fails after 15 s). */
  private static double trickleUntilClosed(Socket socket, String head) throws Exception {
    OutputStream out = socket.getOutputStream();
    InputStream in = socket.getInputStream();
    out.write(head.getBytes(StandardCharsets.US_ASCII));
    out.flush();
    long start = System.nanoTime();
    socket.setSoTimeout(200);
    while (System.nanoTime() - start < 15_000_000_000L) {
      try {
        out.write('a');
        out.flush();
        if (in.read() < 0) {
          break;
        }
      } catch (SocketTimeoutException stillOpen) {
        continue;
      } catch (SocketException closed) {
        break;
      }
    }
    return (System.nanoTime() - start) / 1e9;
  }

  @Test
  void aClientTricklingItsHeadersIsClosedAfterTheHeaderTimeout() throws Exception {
    double before = server.metric("sightline_http_connections_closed_total", "reason=\"header_timeout\"");
    try (Socket socket = from("127.0.0.4")) {
      double seconds = trickleUntilClosed(socket, "GET /health/live HTTP/1.1\r\nHost: localhost\r\nX-Slow: ");
      assertTrue(seconds >= 1.0 && seconds < 5, "closed after " + seconds + " s although a byte came every 200 ms");
    }
    assertEquals(before + 1, server.metric("sightline_http_connections_closed_total", "reason=\"header_timeout\""));
  }

  @Test
  void aClientTricklingItsBodyIsClosedAfterTheBodyTimeout() throws Exception {
    double before = server.metric("sightline_http_connections_closed_total", "reason=\"body_timeout\"");
    try (Socket socket = from("127.0.0.5")) {
      double seconds = trickleUntilClosed(socket, "POST /api/event HTTP/1.1\r\nHost: localhost\r\nx-api-key: " + server.siteKey()
          + "\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"url\":\"");
      assertTrue(seconds >= 1.0 && seconds < 5, "closed after " + seconds + " s although a byte came every 200 ms");
    }
    assertEquals(before + 1, server.metric("sightline_http_connections_closed_total", "reason=\"body_timeout\""));
  }

  @Test
  void oneAddressHoldsAtMostItsConnectionsAndReadinessStaysFastForOthers() throws Exception {
    List<Socket> held = new ArrayList<>();
    try {
      for (int i = 0; i < 10; i++) {
        Socket s = from("127.0.0.3");
        s.getOutputStream().write("GET /health/live HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
        held.add(s);
      }
      long t0 = System.nanoTime();
      try (Socket eleventh = from("127.0.0.3")) {
        eleventh.setSoTimeout(1500);
        int read;
        try {
          read = eleventh.getInputStream().read();
        } catch (SocketException reset) {
          read = -1;
        }
        assertEquals(-1, read, "the eleventh connection of the address is closed at once");
        assertTrue(System.nanoTime() - t0 < 1_500_000_000L);
      }
      for (Socket s : held) {
        s.setSoTimeout(50);
        try {
          s.getInputStream().read();
          throw new AssertionError("the first ten stay open (their header timeout has not passed)");
        } catch (SocketTimeoutException open) {
          // still open
        }
      }
      // another address is served, quickly, while these are held
      long ready = System.nanoTime();
      try (Socket other = from("127.0.0.6")) {
        other.setSoTimeout(2000);
        other.getOutputStream().write("GET /health/ready HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        String answer = new String(other.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
      }
      assertTrue(System.nanoTime() - ready < 1_000_000_000L, "readiness answered within a second");
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
    // closed connections give their places back
    Thread.sleep(300);
    try (Socket again = from("127.0.0.3")) {
      again.setSoTimeout(2000);
      again.getOutputStream().write("GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertTrue(new String(again.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200"));
    }
  }
}
