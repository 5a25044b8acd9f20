/**
 * Dovetail's settings: a Dovecot 2.3-style configuration file, read into immutable, validated, typed records.
 *
 * <p>Entry point: {@link dovetail.conf.ConfigLoader#load(java.nio.file.Path, java.util.List)} returns
 * {@link dovetail.conf.Settings} or throws {@link dovetail.conf.ConfigException}, whose message is one line for
 * the operator ({@code file:line: key: expected ..., found ...}). Dovecot settings that Dovetail does not use are
 * accepted and reported once each in {@link dovetail.conf.Settings#warnings()}.
 *
 * <p>Inside: {@code ConfigParser} (syntax, includes, blocks) feeds {@code Assignments} (key groups from
 * {@code KnownKeys}, {@code $key} expansion, last value wins), which {@code SettingsBinder} and
 * {@code NetworkBinder} turn into records, using {@code Values} to read each value.
 */
package dovetail.conf;
