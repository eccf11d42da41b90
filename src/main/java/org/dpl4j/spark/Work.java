package org.dpl4j.spark;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.dpl4j.model.ClipConfig;
import org.dpl4j.protocol.Pipeline;
import org.dpl4j.run.Json;
import org.dpl4j.search.SearchSettings;
import org.dpl4j.tensor.CpuFeatures;
import org.dpl4j.tensor.DeviceSpec;
import org.dpl4j.tensor.Placement;
import org.dpl4j.tensor.Precision;
import org.dpl4j.training.TrainSettings;

/**
 * What every task of one job needs, in a form Spark can ship to executors: the plan (settings as
 * the JSON run.json records them, paths as given, so run.json reads the same as under
 * {@code dpl4j run}), the model and the command line.
 *
 * @param methodTrain the settings of baselines with published defaults of their own (CoCoOp, MaPLe), as JSON
 * @param modelConfig the ClipConfig override as JSON, or null
 * @param device {@code cpu} or {@code cuda:N} ({@link DeviceSpec#parse})
 * @param precision the frozen weights' precision, resolved on the driver ({@code fp32} or {@code bf16}), so that every
 *     executor computes the same numerics whatever its CPU
 */
public record Work(List<String> datasets, String root, int shots, List<Long> seeds, String subsample, List<String> baselines,
        String search, String train, String methodTrain, String model, String modelConfig, String device, String precision, String out,
        String command)
        implements Serializable {

    /** On {@code device} in fp32. */
    public static Work of(Pipeline.Plan plan, Path model, ClipConfig modelConfig, String device, Path out, String command) {
        return of(plan, model, modelConfig, new Placement(DeviceSpec.parse(device), Precision.FP32), out, command);
    }

    public static Work of(Pipeline.Plan plan, Path model, ClipConfig modelConfig, Placement placement, Path out, String command) {
        try {
            return new Work(List.copyOf(plan.datasets()), plan.root().toString(), plan.shots(), List.copyOf(plan.seeds()),
                    plan.subsample(), List.copyOf(plan.baselines()), Json.LINE.writeValueAsString(plan.search()),
                    Json.LINE.writeValueAsString(plan.train()), Json.LINE.writeValueAsString(plan.methodTrain()), model.toString(),
                    modelConfig == null ? null : Json.LINE.writeValueAsString(modelConfig), placement.device().toString(),
                    placement.precision().label(), out.toString(), command);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Pipeline.Plan plan() {
        try {
            return new Pipeline.Plan(datasets, Path.of(root), shots, seeds, subsample, baselines,
                    Json.LINE.readValue(search, SearchSettings.class), Json.LINE.readValue(train, TrainSettings.class),
                    Json.LINE.readValue(methodTrain, new TypeReference<Map<String, TrainSettings>>() {}));
        } catch (IOException e) {
            throw new UncheckedIOException("settings sent to the executor do not read back: " + e.getMessage(), e);
        }
    }

    public ClipConfig clipConfig() {
        try {
            return modelConfig == null ? null : Json.LINE.readValue(modelConfig, ClipConfig.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where an executor loads the model. */
    public Placement placement() {
        return new Placement(DeviceSpec.parse(device), Precision.resolve(precision, DeviceSpec.parse(device), CpuFeatures.detect()));
    }

    public Path outDir() {
        return Path.of(out);
    }
}
