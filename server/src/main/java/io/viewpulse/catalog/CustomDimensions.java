package io.viewpulse.catalog;

import io.viewpulse.model.CustomDimension;
import io.viewpulse.model.DomainException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The custom dimensions accounts declared, by account: ingest reads an account's names for every beacon that sends
 * custom values (a map lookup), queries resolve {@code custom.<name>} with them. Declared in the store first, then
 * here. A name keeps its slot for good; an account has {@link CustomDimension#MAX} slots.
 */
final class CustomDimensions {
  private static final List<String> NONE = Collections.nCopies(CustomDimension.MAX, null);

  private final MediaStore store;
  private final InstantSource clock;
  /** An account's names by slot (index 0 is slot 1; null where no name was given). */
  private final Map<String, List<String>> byAccount = new ConcurrentHashMap<>();
  private final Map<String, List<CustomDimension>> declared = new ConcurrentHashMap<>();

  CustomDimensions(MediaStore store, InstantSource clock) {
    this.store = store;
    this.clock = clock;
  }

  synchronized void refresh() {
    Map<String, List<CustomDimension>> all = new java.util.HashMap<>();
    for (CustomDimension d : store.customDimensions()) {
      all.computeIfAbsent(d.accountId(), a -> new ArrayList<>()).add(d);
    }
    all.forEach(this::put);
    declared.keySet().retainAll(all.keySet());
    byAccount.keySet().retainAll(all.keySet());
  }

  private void put(String accountId, List<CustomDimension> list) {
    List<CustomDimension> sorted = new ArrayList<>(list);
    sorted.sort(java.util.Comparator.comparingInt(CustomDimension::slot));
    List<String> names = new ArrayList<>(NONE);
    for (CustomDimension d : sorted) {
      names.set(d.slot() - 1, d.name());
    }
    declared.put(accountId, List.copyOf(sorted));
    byAccount.put(accountId, Collections.unmodifiableList(names));
  }

  /** The account's names by slot, index 0 being slot 1, null where none: {@link CustomDimension#MAX} entries. */
  List<String> names(String accountId) {
    return byAccount.getOrDefault(accountId, NONE);
  }

  List<CustomDimension> list(String accountId) {
    return declared.getOrDefault(accountId, List.of());
  }

  /** Declares a name in the next free slot; refuses a bad name, a name declared already, and an eleventh. */
  synchronized CustomDimension declare(String accountId, String name) {
    if (name == null || !CustomDimension.NAME.matcher(name).matches()) {
      throw DomainException.invalid("a custom dimension's name is 1 to 32 lowercase letters, digits, '_' or '-',"
          + " a letter first; got '" + name + "'");
    }
    if ("cdn".equals(name)) {
      throw DomainException.invalid("cdn is a network dimension of its own, not a custom one: players send it as"
          + " custom.cdn or cdn and it is queried as cdn");
    }
    List<CustomDimension> have = list(accountId);
    if (have.stream().anyMatch(d -> d.name().equals(name))) {
      throw DomainException.conflict("custom dimension " + name + " is declared already");
    }
    if (have.size() >= CustomDimension.MAX) {
      throw DomainException.invalid("an account declares at most " + CustomDimension.MAX
          + " custom dimensions, and this one has");
    }
    CustomDimension d = new CustomDimension(accountId, have.size() + 1, name, clock.instant());
    store.insertCustomDimension(d);
    List<CustomDimension> next = new ArrayList<>(have);
    next.add(d);
    put(accountId, next);
    return d;
  }
}
