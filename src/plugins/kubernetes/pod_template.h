// A PodTemplate beneath a task's pod, as FlytePropeller merges one (its MergeWithBasePodTemplate):
// the template's spec and metadata are the base and the pod's own settings win; maps merge key by
// key, lists are joined with the template's items first. Containers are the pod's: the template's
// container named "default" is the base of each of them, "primary" that of the primary container
// (on top of "default"), and a template container of the same name that of any other ("default-
// init", "primary-init" and same-named ones likewise for init containers). The primary
// container's cpu and memory are then completed as the pod's were (pod_spec.h). The template
// comes from `tasks.kubernetes.default_pod_template` or the task's `pod_template_name` (flytekit's
// TaskMetadata), read from the namespace by the plugin's writer thread.
#pragma once

#include <google/protobuf/struct.pb.h>

#include "common/status.h"

namespace flyte::plugins {

// `pod` (PodFor's) on top of `pod_template` (a PodTemplate object: its `template` holds the
// metadata and spec). FAILED_PRECONDITION when what the merge gives is not a pod (a quantity that
// is not one).
Status MergePodTemplate(const google::protobuf::Struct& pod_template, google::protobuf::Struct& pod);

}  // namespace flyte::plugins
