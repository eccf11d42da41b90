package org.dpl4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassFoldersTest {
    @TempDir
    Path root;

    @Test
    void everyImageIsATestImage() throws IOException {
        Path dir = root.resolve("mine");
        for (int i = 0; i < 5; i++) {
            Fixtures.touch(dir.resolve("golden_retriever/img" + i + ".png"));
        }
        for (int i = 0; i < 3; i++) {
            Fixtures.touch(dir.resolve("Cat/sub/img" + i + ".JPG"));
        }
        Fixtures.touch(dir.resolve("Cat/notes.txt"));
        Fixtures.touch(dir.resolve(".cache/x.jpg"));
        DatasetSplits d = ClassFolders.testSet(dir);
        assertThat(d.name()).isEqualTo("mine");
        assertThat(d.classNames()).containsExactly("Cat", "golden retriever");
        assertThat(d.train()).isEmpty();
        assertThat(d.val()).isEmpty();
        assertThat(d.classCounts(d.test())).containsExactly(3, 5);
    }

    @Test
    void splitFoldersAreNotTakenForClasses() {
        Fixtures.touch(root.resolve("train/cat/a.jpg"));
        Fixtures.touch(root.resolve("test/cat/b.jpg"));
        assertThatThrownBy(() -> ClassFolders.testSet(root))
                .isInstanceOf(DatasetException.class).hasMessageContaining(root.resolve("test").toString());
    }

    @Test
    void missingFolderAndEmptyClassAreNamed() {
        Path missing = root.resolve("nope");
        assertThatThrownBy(() -> ClassFolders.testSet(missing))
                .isInstanceOf(DatasetException.class).hasMessageContaining(missing.toString());
        Fixtures.touch(root.resolve("cat/a.jpg"));
        Fixtures.touch(root.resolve("dog/readme.txt"));
        assertThatThrownBy(() -> ClassFolders.testSet(root))
                .isInstanceOf(DatasetException.class).hasMessageContaining(root.resolve("dog").toString());
    }
}
