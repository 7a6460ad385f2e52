package dev.gamehistory.loader.inmemory;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/** Makes unique, production-looking player lookups (first and last name, lowercase letters only). */
final class Names {

  private static final List<String> FIRST = List.of(
      "aaron", "adam", "alec", "alex", "andre", "anthony", "austin", "ben", "blake", "brandon", "brook", "bruce",
      "caleb", "cam", "chris", "cole", "cody", "dalen", "damian", "daniel", "darius", "david", "dean", "derrick",
      "devin", "dillon", "dominic", "donovan", "dwight", "eric", "evan", "franz", "gary", "gordon", "grant", "harrison",
      "isaac", "isaiah", "jabari", "jalen", "jamal", "james", "jaren", "jason", "jaylen", "jeff", "jerami", "joel",
      "john", "jonas", "jordan", "josh", "julius", "justin", "karl", "keegan", "kelly", "kevin", "kyle", "lamar",
      "lonzo", "luka", "malik", "marcus", "mark", "mason", "max", "mikal", "miles", "mitchell", "myles", "nate",
      "nick", "norman", "obi", "paul", "quentin", "reggie", "rj", "robert", "royce", "rudy", "scottie", "seth",
      "shai", "spencer", "stephen", "terry", "thomas", "tobias", "trey", "tyler", "tyrese", "victor", "walker",
      "wendell", "zach", "zion");

  private static final List<String> LAST = List.of(
      "adams", "allen", "anderson", "bailey", "baker", "barnes", "bell", "bennett", "brooks", "brown", "bryant",
      "butler", "campbell", "carter", "clark", "coleman", "collins", "cook", "cooper", "cox", "davis", "edwards",
      "ellis", "evans", "fisher", "flores", "ford", "foster", "gibson", "graham", "grant", "gray", "green", "griffin",
      "hall", "hamilton", "harris", "hayes", "henderson", "hill", "holmes", "howard", "hughes", "jackson", "james",
      "jenkins", "johnson", "jones", "jordan", "kelly", "kennedy", "king", "lee", "lewis", "long", "marshall",
      "martin", "mason", "miller", "mitchell", "moore", "morgan", "morris", "murphy", "murray", "myers", "nelson",
      "owens", "parker", "patterson", "perry", "peterson", "phillips", "porter", "powell", "price", "reed",
      "reynolds", "richardson", "roberts", "robinson", "rogers", "ross", "russell", "sanders", "scott", "simmons",
      "smith", "stewart", "sullivan", "taylor", "thomas", "thompson", "turner", "walker", "wallace", "ward",
      "warren", "washington", "watson", "webb", "wells", "white", "williams", "wilson", "wood", "wright", "young");

  private final Set<String> used = new HashSet<>();

  /** A lookup not handed out before by this instance. */
  public String next(SplittableRandom random) {
    for (int tries = 0; tries < 1_000; tries++) {
      String lookup = pick(FIRST, random) + pick(LAST, random);
      if (used.add(lookup)) {
        return lookup;
      }
    }
    while (true) {
      String lookup = pick(FIRST, random) + pick(LAST, random) + pick(LAST, random);
      if (used.add(lookup)) {
        return lookup;
      }
    }
  }

  private static String pick(List<String> names, SplittableRandom random) {
    return names.get(random.nextInt(names.size()));
  }
}
