package dev.gamehistory.loader.bigquery.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Authenticator;
import java.net.HttpURLConnection;
import java.security.Permission;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The JDK's connection of one request, checked against its {@link Exchange} once the TCP connect
 * is done and before anything is written. A disconnect from another thread while the JDK connects
 * does nothing (the JDK has no socket to close yet), so without this check a request stopped
 * during its connect would still be sent once the connect completed. Everything else is
 * delegated.
 */
final class AbortableConnection extends HttpURLConnection {

  private final HttpURLConnection delegate;
  private final Exchange exchange;

  AbortableConnection(HttpURLConnection delegate, Exchange exchange) {
    super(delegate.getURL());
    this.delegate = delegate;
    this.exchange = exchange;
  }

  /** Connects, then refuses to go on (disconnecting) when the exchange was aborted meanwhile. */
  @Override
  public void connect() throws IOException {
    delegate.connect();
    if (exchange.isAborted()) {
      delegate.disconnect();
      throw new IOException("request aborted: the query was stopped");
    }
  }

  /** Connects as {@link #connect()} does, before the JDK writes the request line and headers. */
  @Override
  public OutputStream getOutputStream() throws IOException {
    connect();
    return delegate.getOutputStream();
  }

  /** Connects as {@link #connect()} does, before the JDK writes the request. */
  @Override
  public InputStream getInputStream() throws IOException {
    connect();
    return delegate.getInputStream();
  }

  /** Connects as {@link #connect()} does, before the JDK writes the request. */
  @Override
  public int getResponseCode() throws IOException {
    connect();
    return delegate.getResponseCode();
  }

  @Override
  public @Nullable String getResponseMessage() throws IOException {
    connect();
    return delegate.getResponseMessage();
  }

  @Override
  public void disconnect() {
    delegate.disconnect();
  }

  @Override
  public boolean usingProxy() {
    return delegate.usingProxy();
  }

  @Override
  public @Nullable InputStream getErrorStream() {
    return delegate.getErrorStream();
  }

  @Override
  public void setRequestMethod(String method) throws java.net.ProtocolException {
    delegate.setRequestMethod(method);
  }

  @Override
  public String getRequestMethod() {
    return delegate.getRequestMethod();
  }

  @Override
  public void setFixedLengthStreamingMode(int contentLength) {
    delegate.setFixedLengthStreamingMode(contentLength);
  }

  @Override
  public void setFixedLengthStreamingMode(long contentLength) {
    delegate.setFixedLengthStreamingMode(contentLength);
  }

  @Override
  public void setChunkedStreamingMode(int chunklen) {
    delegate.setChunkedStreamingMode(chunklen);
  }

  @Override
  public void setInstanceFollowRedirects(boolean followRedirects) {
    delegate.setInstanceFollowRedirects(followRedirects);
  }

  @Override
  public boolean getInstanceFollowRedirects() {
    return delegate.getInstanceFollowRedirects();
  }

  @Override
  public void setAuthenticator(Authenticator auth) {
    delegate.setAuthenticator(auth);
  }

  @Override
  public Permission getPermission() throws IOException {
    return delegate.getPermission();
  }

  @Override
  public @Nullable String getHeaderFieldKey(int n) {
    return delegate.getHeaderFieldKey(n);
  }

  @Override
  public @Nullable String getHeaderField(int n) {
    return delegate.getHeaderField(n);
  }

  @Override
  public @Nullable String getHeaderField(String name) {
    return delegate.getHeaderField(name);
  }

  @Override
  public Map<String, List<String>> getHeaderFields() {
    return delegate.getHeaderFields();
  }

  @Override
  public long getHeaderFieldDate(String name, long defaultValue) {
    return delegate.getHeaderFieldDate(name, defaultValue);
  }

  @Override
  public int getHeaderFieldInt(String name, int defaultValue) {
    return delegate.getHeaderFieldInt(name, defaultValue);
  }

  @Override
  public long getHeaderFieldLong(String name, long defaultValue) {
    return delegate.getHeaderFieldLong(name, defaultValue);
  }

  @Override
  public int getContentLength() {
    return delegate.getContentLength();
  }

  @Override
  public long getContentLengthLong() {
    return delegate.getContentLengthLong();
  }

  @Override
  public @Nullable String getContentType() {
    return delegate.getContentType();
  }

  @Override
  public @Nullable String getContentEncoding() {
    return delegate.getContentEncoding();
  }

  @Override
  public long getExpiration() {
    return delegate.getExpiration();
  }

  @Override
  public long getDate() {
    return delegate.getDate();
  }

  @Override
  public long getLastModified() {
    return delegate.getLastModified();
  }

  @Override
  public Object getContent() throws IOException {
    return delegate.getContent();
  }

  @Override
  public @Nullable Object getContent(Class<?>[] classes) throws IOException {
    return delegate.getContent(classes);
  }

  @Override
  public void setConnectTimeout(int timeout) {
    delegate.setConnectTimeout(timeout);
  }

  @Override
  public int getConnectTimeout() {
    return delegate.getConnectTimeout();
  }

  @Override
  public void setReadTimeout(int timeout) {
    delegate.setReadTimeout(timeout);
  }

  @Override
  public int getReadTimeout() {
    return delegate.getReadTimeout();
  }

  @Override
  public void setDoInput(boolean doInput) {
    delegate.setDoInput(doInput);
  }

  @Override
  public boolean getDoInput() {
    return delegate.getDoInput();
  }

  @Override
  public void setDoOutput(boolean doOutput) {
    delegate.setDoOutput(doOutput);
  }

  @Override
  public boolean getDoOutput() {
    return delegate.getDoOutput();
  }

  @Override
  public void setAllowUserInteraction(boolean allowUserInteraction) {
    delegate.setAllowUserInteraction(allowUserInteraction);
  }

  @Override
  public boolean getAllowUserInteraction() {
    return delegate.getAllowUserInteraction();
  }

  @Override
  public void setUseCaches(boolean useCaches) {
    delegate.setUseCaches(useCaches);
  }

  @Override
  public boolean getUseCaches() {
    return delegate.getUseCaches();
  }

  @Override
  public void setIfModifiedSince(long ifModifiedSince) {
    delegate.setIfModifiedSince(ifModifiedSince);
  }

  @Override
  public long getIfModifiedSince() {
    return delegate.getIfModifiedSince();
  }

  @Override
  public boolean getDefaultUseCaches() {
    return delegate.getDefaultUseCaches();
  }

  @Override
  public void setDefaultUseCaches(boolean defaultUseCaches) {
    delegate.setDefaultUseCaches(defaultUseCaches);
  }

  @Override
  public void setRequestProperty(String key, @Nullable String value) {
    delegate.setRequestProperty(key, value);
  }

  @Override
  public void addRequestProperty(String key, @Nullable String value) {
    delegate.addRequestProperty(key, value);
  }

  @Override
  public @Nullable String getRequestProperty(String key) {
    return delegate.getRequestProperty(key);
  }

  @Override
  public Map<String, List<String>> getRequestProperties() {
    return delegate.getRequestProperties();
  }

  @Override
  public String toString() {
    return delegate.toString();
  }
}
