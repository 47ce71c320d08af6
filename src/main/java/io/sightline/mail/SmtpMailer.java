package io.sightline.mail;

import io.sightline.config.MailConfig;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;

import java.util.Properties;

/**
 * Sends a message through the configured SMTP server with Jakarta Mail (Eclipse Angus). Blocking:
 * call it from a worker thread. The password goes to the transport only, never to a log.
 */
public final class SmtpMailer {
  private final MailConfig config;
  private final Session session;

  public SmtpMailer(MailConfig config) {
    this.config = config;
    Properties p = new Properties();
    p.put("mail.smtp.host", config.host());
    p.put("mail.smtp.port", String.valueOf(config.port()));
    p.put("mail.smtp.auth", String.valueOf(!config.username().isEmpty()));
    p.put("mail.smtp.starttls.enable", String.valueOf(config.starttls()));
    p.put("mail.smtp.starttls.required", String.valueOf(config.starttls()));
    p.put("mail.smtp.connectiontimeout", "10000");
    p.put("mail.smtp.timeout", "20000");
    p.put("mail.smtp.writetimeout", "20000");
    this.session = Session.getInstance(p);
  }

  /** Sends a text and HTML message with one-click unsubscribe headers (RFC 8058). */
  public void send(String to, DigestMessage m, String unsubscribeUrl) throws MessagingException {
    MimeMessage message = new MimeMessage(session);
    message.setFrom(new InternetAddress(config.from()));
    message.setRecipients(Message.RecipientType.TO, InternetAddress.parse(to, true));
    message.setSubject(m.subject(), "UTF-8");
    MimeBodyPart text = new MimeBodyPart();
    text.setText(m.text(), "UTF-8", "plain");
    MimeBodyPart html = new MimeBodyPart();
    html.setText(m.html(), "UTF-8", "html");
    message.setContent(new MimeMultipart("alternative", text, html));
    message.setHeader("List-Unsubscribe", "<" + unsubscribeUrl + ">");
    message.setHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
    message.setHeader("Auto-Submitted", "auto-generated");
    if (config.username().isEmpty()) {
      Transport.send(message);
    } else {
      Transport.send(message, config.username(), config.password());
    }
  }
}
