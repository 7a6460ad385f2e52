package dev.gamehistory.loader;

/** The load was cancelled by its caller or because the loader was closed. */
public final class LoadCancelledException extends LoaderException {

  private static final long serialVersionUID = 1L;

  private LoadCancelledException(String message) {
    super(message);
  }

  /** The load was cancelled for the given reason. */
  public static LoadCancelledException of(String why) {
    return new LoadCancelledException("load cancelled: " + why);
  }

  @Override
  public FailureKind kind() {
    return FailureKind.CANCELLED;
  }

  @Override
  public boolean isRetryable() {
    return false;
  }
}
