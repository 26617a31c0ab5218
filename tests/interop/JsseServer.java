// JsseServer.java: Java JSSE HTTPS servers, the TLS stack of Jira and
// Confluence Data Center when Tomcat terminates HTTPS, for the interop suite
// (tests/interop/run.py compiles it at test time with openjdk-17-jdk-headless).
//
// Standard input: one listener per line,
//     NAME CHAIN.pem KEY.pem PROTOCOL CIPHERS CLIENT_CA REPLY ADDRESS
// PROTOCOL is TLSv1.3 or TLSv1.2; CIPHERS a comma list or "-" (JSSE's
// default); CLIENT_CA a PEM file ("-": none) whose certificates must sign a
// client certificate (setNeedClientAuth); REPLY "cl" (Content-Length) or
// "chunked"; ADDRESS 127.0.0.1 or ::1. Each listener takes an ephemeral port;
// the server prints "NAME PORT" per listener, then "READY", and serves until
// killed. Named groups and key limits are JVM-wide in Java 17
// (jdk.tls.namedGroups, the jdk.tls.keyLimits security property): run.py
// starts one JVM per setting.
//
// An SSLServerSocket, not com.sun.net.httpserver.HttpsServer: on a failed
// handshake HttpsServer closes the socket without sending JSSE's alert,
// where Tomcat (and SSLSocket) send it; the alert is what a client sees.
// GET .../rest/api/2/myself with "Authorization: Bearer $INTEROP_TOKEN" gets a
// Jira Data Center user; other credentials get Jira's 401 JSON.

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

public class JsseServer {
    static final String USER_JSON = "{\"self\":\"https://localhost/rest/api/2/user?username=fred\","
        + "\"key\":\"JIRAUSER19571\",\"name\":\"fred\",\"emailAddress\":\"fred@example.com\","
        + "\"displayName\":\"Fred F. User\",\"active\":true,\"deleted\":false,"
        + "\"timeZone\":\"Australia/Sydney\",\"locale\":\"en_US\","
        + "\"groups\":{\"size\":1,\"items\":[{\"name\":\"jira-user\"}]},\"expand\":\"groups\"}";
    static final String DENIED_JSON = "{\"errorMessages\":[\"You are not authenticated. "
        + "Authentication required to perform this operation.\"],\"errors\":{}}";
    static final int HEAD_MAX = 16384;          // request heads of curl and atlwho are < 1 KB
    static final int IO_TIMEOUT_MS = 10000;     // a silent client never holds a thread for long

    // The key's algorithm from its PKCS#8 AlgorithmIdentifier, so that an
    // id-RSASSA-PSS key stays an RSASSA-PSS key (the RSA factory would take it too).
    static PrivateKey readKey(String path) throws Exception {
        String pem = new String(Files.readAllBytes(Paths.get(path)), StandardCharsets.US_ASCII);
        byte[] der = Base64.getDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", ""));
        String hex = new java.math.BigInteger(1, der).toString(16);
        String alg = hex.contains("2a864886f70d01010a") ? "RSASSA-PSS"
            : hex.contains("2a8648ce3d0201") ? "EC" : "RSA";
        return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
    }

    static Certificate[] readCerts(String path) throws Exception {
        try (FileInputStream in = new FileInputStream(path)) {
            return CertificateFactory.getInstance("X.509").generateCertificates(in).toArray(new Certificate[0]);
        }
    }

    static SSLServerSocket listen(String[] f) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", readKey(f[2]), new char[0], readCerts(f[1]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
        kmf.init(ks, new char[0]);
        TrustManagerFactory tmf = null;
        if (!f[5].equals("-")) {
            KeyStore ts = KeyStore.getInstance("PKCS12");
            ts.load(null, null);
            int i = 0;
            for (Certificate c : readCerts(f[5]))
                ts.setCertificateEntry("ca" + i++, c);
            tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(ts);
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
        SSLServerSocket ss = (SSLServerSocket) ctx.getServerSocketFactory()
            .createServerSocket(0, 16, InetAddress.getByName(f[7]));
        SSLParameters sp = ctx.getDefaultSSLParameters();
        sp.setProtocols(new String[] {f[3]});
        if (!f[4].equals("-"))
            sp.setCipherSuites(f[4].split(","));
        sp.setNeedClientAuth(!f[5].equals("-"));
        ss.setSSLParameters(sp);
        return ss;
    }

    static void serve(SSLSocket s, boolean chunked, String token) {
        try (s) {
            s.setSoTimeout(IO_TIMEOUT_MS);
            s.startHandshake();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (head.size() < HEAD_MAX) {
                int b = in.read();
                if (b < 0)
                    return;
                head.write(b);
                String h = head.toString(StandardCharsets.ISO_8859_1);
                if (h.endsWith("\r\n\r\n"))
                    break;
            }
            String h = head.toString(StandardCharsets.ISO_8859_1);
            String target = h.split(" ", 3).length > 1 ? h.split(" ", 3)[1] : "";
            boolean ok = h.contains("\r\nAuthorization: Bearer " + token + "\r\n")
                && target.split("\\?")[0].endsWith("/rest/api/2/myself");
            byte[] body = (ok ? USER_JSON : DENIED_JSON).getBytes(StandardCharsets.UTF_8);
            String status = ok ? "200 OK" : "401 Unauthorized";
            OutputStream out = s.getOutputStream();
            String common = "HTTP/1.1 " + status + "\r\nContent-Type: application/json;charset=UTF-8\r\n"
                + "X-AREQUESTID: 913x1x1\r\nConnection: close\r\n";
            int half = body.length / 2;
            if (chunked) {
                out.write((common + "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(half) + "\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
                out.write(body, 0, half);
                out.flush();
                out.write(("\r\n" + Integer.toHexString(body.length - half) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.write(body, half, body.length - half);
                out.write("\r\n0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            } else {
                out.write((common + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.write(body);
            }
            out.flush();
        } catch (Exception e) {
            System.err.println("JsseServer: " + e);
        }
    }

    public static void main(String[] args) throws Exception {
        String token = System.getenv("INTEROP_TOKEN");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null && !line.isEmpty()) {
            String[] f = line.trim().split("\\s+");
            SSLServerSocket ss = listen(f);
            boolean chunked = f[6].equals("chunked");
            Thread t = new Thread(() -> {
                while (true) {
                    try {
                        Socket c = ss.accept();
                        new Thread(() -> serve((SSLSocket) c, chunked, token)).start();
                    } catch (Exception e) {
                        System.err.println("JsseServer: accept: " + e);
                        return;
                    }
                }
            });
            t.setDaemon(true);
            t.start();
            System.out.println(f[0] + " " + ss.getLocalPort());
        }
        System.out.println("READY");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
