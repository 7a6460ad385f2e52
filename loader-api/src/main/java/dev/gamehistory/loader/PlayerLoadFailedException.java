package dev.gamehistory.loader;

/** Thrown by {@link LoadResult#games(String)} for a player whose load failed; the cause says why. */
public final class PlayerLoadFailedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String player;

  /** The given player failed with the given cause. */
  public PlayerLoadFailedException(String player, LoaderException cause) {
    super("history of player '" + player + "' was not loaded (" + cause.kind() + "): " + cause.getMessage(), cause);
    this.player = player;
  }

  /** The player whose load failed. */
  public String player() {
    return player;
  }

  /** The failure that ended the player's load. */
  @Override
  public synchronized LoaderException getCause() {
    return (LoaderException) super.getCause();
  }
}
