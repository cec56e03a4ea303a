package io.azlhsm.testcluster.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The simulator stands in for Lustre and never knows the product it tests. */
class ArchitectureTest {
    private static final JavaClasses SIMULATOR = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.azlhsm.testcluster");

    @Test
    void theSimulatorNeverUsesTheProduct() {
        assertTrue(SIMULATOR.size() > 50, "the simulator's classes were not found: " + SIMULATOR.size());
        noClasses().should().dependOnClassesThat().resideInAPackage("io.azlhsm.copytool..")
                .because("the copytool is tested through liblustreapi, as on Lustre, not through its own classes")
                .check(SIMULATOR);
    }
}
