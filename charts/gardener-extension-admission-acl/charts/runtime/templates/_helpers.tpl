{{- define "runtime.name" -}}
gardener-extension-admission-acl
{{- end -}}

{{- define "runtime.labels" -}}
app.kubernetes.io/name: {{ include "runtime.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* runtime.gardenKubeconfig is the path of the garden kubeconfig in the pod, empty for the in-cluster configuration. */}}
{{- define "runtime.gardenKubeconfig" -}}
{{- if .Values.gardener.virtualCluster.enabled -}}
/var/run/secrets/gardener.cloud/shoot/generic-kubeconfig/kubeconfig
{{- else if .Values.global.kubeconfig -}}
/etc/gardener-extension-admission-acl/garden/kubeconfig
{{- end -}}
{{- end -}}
