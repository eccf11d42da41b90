package org.dpl4j.training;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.run.Checkpoint;
import org.dpl4j.run.Json;
import org.dpl4j.run.RunDirectory;
import org.dpl4j.tensor.Scope;
import org.dpl4j.training.optim.Optimizer;
import org.dpl4j.util.Progress;

/**
 * The one resumable epoch loop of the train and search stages (docs/design.md §6). It owns what
 * both stages must do identically for a killed run to end exactly like an uninterrupted one:
 * <ul>
 *   <li>resume: parameters, optimiser state and every registered {@link EpochState} from the
 *       checkpoint, every epoch log cut back to it;
 *   <li>each epoch: the caller's steps under a progress bar, then the registered {@link EpochState}s'
 *       epoch end (GPA's running sum), then the logs, then the checkpoint, which is the commit point
 *       (resume drops log lines past it, so a kill between the writes can neither lose nor duplicate
 *       an epoch);
 *   <li>an optional stopping rule, asked after every committed epoch and once right after a
 *       resume, so a run killed after its stopping epoch stops at the same place.
 * </ul>
 * The caller's epoch body adds its own lines to the {@link EpochLog}s it registered.
 */
public final class EpochLoop {
    private final String task;
    private final int epochs;
    private final RunDirectory run;
    private final Progress.Factory progress;
    private final Consumer<String> log;
    private final Map<String, Tensor> params = new LinkedHashMap<>();
    private String paramsWhat = "parameters";
    private final Map<String, Optimizer> optimizers = new LinkedHashMap<>();
    private final Map<String, EpochState> states = new LinkedHashMap<>();
    private final List<EpochLog<?>> logs = new ArrayList<>();
    private Supplier<Map<String, String>> extraOut = Map::of;
    private Consumer<Map<String, String>> extraIn = m -> {};

    /** @param task "train" or "search": the progress label and the resume message */
    public EpochLoop(String task, int epochs, RunDirectory run, Progress.Factory progress, Consumer<String> log) {
        this.task = task;
        this.epochs = epochs;
        this.run = run;
        this.progress = progress;
        this.log = log;
    }

    /** The trained tensors the checkpoint holds; {@code what} names them in a mismatch error. */
    public EpochLoop parameters(Map<String, Tensor> p, String what) {
        params.putAll(p);
        paramsWhat = what;
        return this;
    }

    public EpochLoop optimizer(String name, Optimizer opt) {
        optimizers.put(name, opt);
        return this;
    }

    /**
     * State that advances at every epoch end and is committed with the checkpoint (tensors
     * {@code state.<name>.*}); register it before {@link #resume}, which restores it.
     */
    public EpochLoop state(String name, EpochState s) {
        if (name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException("state name must be non-empty and without '.': " + name);
        }
        states.put(name, s);
        return this;
    }

    /** A log kept in step with the checkpoint; register it before {@link #resume}. */
    public EpochLoop log(EpochLog<?> l) {
        logs.add(l);
        return this;
    }

    /** Extra checkpoint metadata (such as a stream position) and how to restore it on resume. */
    public EpochLoop extra(Supplier<Map<String, String>> save, Consumer<Map<String, String>> restore) {
        extraOut = save;
        extraIn = restore;
        return this;
    }

    /**
     * Restores the last committed epoch if the run directory has a checkpoint.
     *
     * @return the first epoch (0-based) still to run
     */
    public int resume() throws IOException {
        if (!run.has(RunDirectory.CHECKPOINT)) {
            return 0;
        }
        Checkpoint ck;
        // the loaded tensors are copied into the parameters and the optimisers' own state
        try (Scope s = Scope.open()) {
            ck = Checkpoint.load(run.file(RunDirectory.CHECKPOINT));
            ck.restoreInto(params, paramsWhat);
            optimizers.forEach((name, opt) -> opt.load(ck.optimizers().getOrDefault(name, Map.of())));
            for (Map.Entry<String, EpochState> e : states.entrySet()) {
                Map<String, Tensor> saved = ck.states().get(e.getKey());
                if (saved == null) {
                    // a checkpoint without it was made by a run that did not keep this state: resuming would restart it
                    throw new IllegalStateException(run.file(RunDirectory.CHECKPOINT) + ": checkpoint has no '" + e.getKey()
                            + "' state, which this " + task + " keeps; it was made by another kind of run");
                }
                e.getValue().load(saved, ck.epoch() + 1);
            }
        }
        extraIn.accept(ck.extra());
        for (EpochLog<?> l : logs) {
            l.readUpTo(run, ck.epoch() + 1);
        }
        log.accept("resuming " + task + " after epoch " + (ck.epoch() + 1) + " from " + run.file(RunDirectory.CHECKPOINT));
        return ck.epoch() + 1;
    }

    /** Writes every registered log as it is now (for a state logged before the first epoch). */
    public void writeLogs() throws IOException {
        for (EpochLog<?> l : logs) {
            run.writeLog(l.file, l.lines);
        }
    }

    /**
     * Runs epochs {@code start .. epochs-1}, committing each, until the end or until {@code stop}
     * gives a reason.
     */
    public Outcome run(int start, long stepsPerEpoch, Body body, StopRule stop) throws IOException {
        if (start > 0) {
            String reason = stop.reasonToStop(start);
            if (reason != null) {
                return new Outcome(start, reason);
            }
        }
        for (int epoch = start; epoch < epochs; epoch++) {
            String summary;
            try (Scope s = Scope.open()) {
                try (Progress p = progress.start(task + " " + (epoch + 1) + "/" + epochs, stepsPerEpoch)) {
                    summary = body.run(new Epoch(epoch, p, System.nanoTime()));
                }
                for (EpochState st : states.values()) {
                    st.epochEnd(epoch);
                }
                writeLogs();
                new Checkpoint(epoch, params, optimizerStates(), savedStates(), extraOut.get())
                        .save(run.file(RunDirectory.CHECKPOINT));
            }
            log.accept(summary);
            String reason = stop.reasonToStop(epoch + 1);
            if (reason != null) {
                return new Outcome(epoch + 1, reason);
            }
        }
        return new Outcome(epochs, null);
    }

    private Map<String, Map<String, Tensor>> optimizerStates() {
        Map<String, Map<String, Tensor>> out = new LinkedHashMap<>();
        optimizers.forEach((name, opt) -> out.put(name, opt.state()));
        return out;
    }

    private Map<String, Map<String, Tensor>> savedStates() {
        Map<String, Map<String, Tensor>> out = new LinkedHashMap<>();
        states.forEach((name, st) -> out.put(name, st.state()));
        return out;
    }

    /**
     * Per-epoch state kept beside the parameters, such as GPA's running sum
     * ({@link GaussianPromptAggregation}): advanced after each epoch's steps, before its commit, and
     * saved and restored with the checkpoint so that a resumed run ends with the same state.
     */
    public interface EpochState {
        /** Epoch {@code epoch} (0-based) has run all its steps and is about to be committed. */
        void epochEnd(int epoch);

        /** The state as named tensors (copies, in the caller's scope), for the checkpoint. */
        Map<String, Tensor> state();

        /**
         * Restores a state produced by {@link #state()} at the commit of {@code epochsDone} epochs.
         *
         * @throws IllegalStateException naming what does not match this run
         */
        void load(Map<String, Tensor> state, int epochsDone);
    }

    /** The epoch being run: its 0-based index, its progress bar and its start time. */
    public record Epoch(int index, Progress progress, long startNanos) {
        public double seconds() {
            return (System.nanoTime() - startNanos) / 1e9;
        }
    }

    /** One epoch's steps; adds its lines to the logs and returns the console summary line. */
    @FunctionalInterface
    public interface Body {
        String run(Epoch epoch) throws IOException;
    }

    /** Asked after {@code epochsDone} committed epochs: a reason to stop now, or null to go on. */
    @FunctionalInterface
    public interface StopRule {
        StopRule NEVER = epochsDone -> null;

        String reasonToStop(int epochsDone);
    }

    /** How the loop ended: epochs done, and the stopping rule's reason if it stopped early (else null). */
    public record Outcome(int epochsDone, String stopReason) {}

    /** A JSONL log with one line per epoch, numbered from 1 (0 for a state before the first epoch). */
    public static final class EpochLog<T> {
        private final String file;
        private final Class<T> type;
        private final ToIntFunction<T> epochOf;
        private final List<T> lines = new ArrayList<>();

        public EpochLog(String file, Class<T> type, ToIntFunction<T> epochOf) {
            this.file = file;
            this.type = type;
            this.epochOf = epochOf;
        }

        public void add(T line) {
            lines.add(line);
        }

        /** The lines so far (a live view, in epoch order). */
        public List<T> lines() {
            return java.util.Collections.unmodifiableList(lines);
        }

        void readUpTo(RunDirectory run, int lastEpoch) throws IOException {
            for (JsonNode n : run.readLog(file)) {
                T line = Json.LINE.treeToValue(n, type);
                if (epochOf.applyAsInt(line) <= lastEpoch) {
                    lines.add(line);
                }
            }
        }
    }
}
