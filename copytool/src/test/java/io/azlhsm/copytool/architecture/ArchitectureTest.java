package io.azlhsm.copytool.architecture;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The build fails when the copytool's main code crosses its layers ({@link CopytoolLayers}). */
class ArchitectureTest {
    private static final String ROOT = "io.azlhsm.copytool";
    private static final String CROSSED = "io.azlhsm.copytool.architecture.crossed";

    @Test
    void theProductKeepsItsLayers() {
        JavaClasses product = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(ROOT);
        assertTrue(product.size() > 300, "the product's classes were not found: " + product.size());
        String violations = violations(CopytoolLayers.rules(ROOT), product);
        assertTrue(violations.isEmpty(), violations);
    }

    /** The rules are not vacuous: a fixture whose agent uses a job, and whose jobs use the agent back, breaks them. */
    @Test
    void aCrossedImportBreaksTheRules() {
        JavaClasses crossed = new ClassFileImporter().importPackages(CROSSED);
        // the fixture has only four of the packages: the rules about the others have nothing to check there
        List<ArchRule> rules = CopytoolLayers.rules(CROSSED).stream().map(rule -> rule.allowEmptyShould(true))
                .toList();
        String violations = violations(rules, crossed);
        assertFalse(violations.isEmpty(), "the crossed fixture passed the layering rules");
        assertTrue(violations.contains("crossed.agent.Daemon") && violations.contains("crossed.jobs.Job"), violations);
        assertTrue(violations.contains("Cycle detected"), violations);
        assertTrue(violations.contains("crossed.archive.Store") && violations.contains("crossed.cli.Command"),
                violations);
    }

    private static String violations(List<ArchRule> rules, JavaClasses classes) {
        return rules.stream().map(rule -> rule.evaluate(classes)).filter(EvaluationResult::hasViolation)
                .map(result -> result.getFailureReport().toString()).collect(Collectors.joining("\n"));
    }
}
