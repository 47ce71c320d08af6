package io.sightline.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP forwarder in front of a real server (PostgreSQL), to make it unreachable on demand as a
 * network failure does: {@link #cut()} drops every open connection, and new ones are accepted but
 * never answered (a connection attempt hangs until the client's own timeout); {@link #restore()}
 * forwards again. One thread per direction and connection: for tests only.
 */
public final class TcpProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final String targetHost;
  private final int targetPort;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private volatile boolean cut;

  private TcpProxy(String targetHost, int targetPort) throws IOException {
    this.listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    Thread accept = new Thread(this::accept, "tcp-proxy-accept");
    accept.setDaemon(true);
    accept.start();
  }

  public static TcpProxy to(String host, int port) {
    try {
      return new TcpProxy(host, port);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public int port() {
    return listener.getLocalPort();
  }

  /** The network fails: open connections drop, new ones hang. */
  public void cut() {
    cut = true;
    closeAll();
  }

  /** The network is back: connections held while cut are dropped (their clients retry), new ones are forwarded. */
  public void restore() {
    cut = false;
    closeAll();
  }

  private void closeAll() {
    for (Socket s : open) {
      quietly(s);
    }
    open.clear();
  }

  private void accept() {
    while (!listener.isClosed()) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException closed) {
        return;
      }
      open.add(client);
      if (cut) {
        continue; // held: accepted, never answered
      }
      try {
        Socket server = new Socket(targetHost, targetPort);
        open.add(server);
        pump(client, server);
        pump(server, client);
      } catch (IOException e) {
        quietly(client);
      }
    }
  }

  private void pump(Socket from, Socket to) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[16384];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        for (int n; (n = in.read(buf)) >= 0; ) {
          out.write(buf, 0, n);
          out.flush();
        }
      } catch (IOException ended) {
        // one side closed
      } finally {
        quietly(from);
        quietly(to);
      }
    }, "tcp-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  private static void quietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  @Override
  public void close() {
    try {
      listener.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    closeAll();
  }
}
