package dovetail.conf;

/** Receives what the parser reads, in file order. */
interface ConfigSink {
    void assign(RawEntry entry);

    void warn(String warning);
}
